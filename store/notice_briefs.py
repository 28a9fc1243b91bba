"""What a message asking someone to act says about its project or process (issues 17, 15): read from the
records when the message is sent, so nothing more than the notice's key travels through
Temporal. Never the customer's personal fields. Read for a whole batch of notices at once
(one statement per kind, issue 16); the single reads are that with one id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import asyncpg


async def project_briefs(db: asyncpg.Pool | asyncpg.Connection,
                         project_ids: Iterable[str | None]) -> dict[str, dict[str, Any]]:  # fmt: skip
    """The briefs of these projects, by id (those that exist)."""
    ids = sorted({i for i in project_ids if i})
    if not ids:
        return {}
    rows = await db.fetch(
        """SELECT id, stage, requirement, agent_name, risk_level, department, business_type, pending_gate,
                  pending_due_at, view->'assessment'->>'budget' AS budget
           FROM projects WHERE id = ANY($1::text[])""", ids)  # fmt: skip
    return {r["id"]: dict(r) for r in rows}


async def process_briefs(db: asyncpg.Pool | asyncpg.Connection,
                         process_ids: Iterable[str | None]) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Each process instance's template, applicant and form with its fields' labels and types (the
    template version it runs), for a message asking someone to decide on it (issue 15), by id."""
    ids = sorted({i for i in process_ids if i})
    if not ids:
        return {}
    rows = await db.fetch(
        """SELECT p.id AS process_id, p.template_name, p.applicant_name, p.department, p.node_id, p.status,
                  p.due_at, p.form, t.body->'form' AS fields, t.body->'nodes' AS nodes
           FROM processes p LEFT JOIN process_templates t ON t.key = p.template_key AND t.version = p.template_version
           WHERE p.id = ANY($1::text[])""", ids)  # fmt: skip
    briefs = {}
    for row in rows:
        brief = dict(row)
        brief["form"], brief["fields"], brief["nodes"] = row["form"] or {}, row["fields"] or [], row["nodes"] or []
        briefs[row["process_id"]] = brief
    return briefs


async def project_brief(db: asyncpg.Pool | asyncpg.Connection, project_id: str | None) -> dict[str, Any] | None:
    return (await project_briefs(db, [project_id])).get(project_id or "")


async def process_brief(db: asyncpg.Pool | asyncpg.Connection, process_id: str | None) -> dict[str, Any] | None:
    return (await process_briefs(db, [process_id])).get(process_id or "")
