"""What a message asking someone to act says about its project or process (issues 17, 15): read from the
records when the message is sent, so nothing more than the notice's key travels through
Temporal. Never the customer's personal fields."""

from __future__ import annotations

from typing import Any

import asyncpg


async def project_brief(db: asyncpg.Pool | asyncpg.Connection, project_id: str | None) -> dict[str, Any] | None:
    if not project_id:
        return None
    row = await db.fetchrow(
        """SELECT id, stage, requirement, agent_name, risk_level, department, business_type, pending_gate,
                  pending_due_at, view->'assessment'->>'budget' AS budget
           FROM projects WHERE id = $1""", project_id)  # fmt: skip
    return dict(row) if row else None


async def process_brief(db: asyncpg.Pool | asyncpg.Connection, process_id: str | None) -> dict[str, Any] | None:
    """A process instance's template, applicant and form with its fields' labels and types (the
    template version it runs), for a message asking someone to decide on it (issue 15)."""
    if not process_id:
        return None
    row = await db.fetchrow(
        """SELECT p.id AS process_id, p.template_name, p.applicant_name, p.department, p.node_id, p.status,
                  p.due_at, p.form, t.body->'form' AS fields, t.body->'nodes' AS nodes
           FROM processes p LEFT JOIN process_templates t ON t.key = p.template_key AND t.version = p.template_version
           WHERE p.id = $1""", process_id)  # fmt: skip
    if row is None:
        return None
    brief = dict(row)
    brief["form"], brief["fields"], brief["nodes"] = brief["form"] or {}, brief["fields"] or [], brief["nodes"] or []
    return brief
