"""The caller's inbox: pending approvals and actions, cause analyses, rectification tasks, and
complaints and revisits (store/service_inbox.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from domain.models import Gate, Role
from jindu.i18n import t
from jindu.process_words import unnamed
from store.customer_master import FOLLOW_UP_INBOX_SQL
from store.process_inbox import PROCESS_INBOX_SQL
from store.service_inbox import SERVICE_INBOX_SQL

Db = asyncpg.Pool | asyncpg.Connection


class InboxItem(BaseModel):
    id: str = Field(description="`<project_id>:<kind>` for a pending action, the task id for a rectification task, "
                                "the risk id, the complaint id, `revisit-<project_id>`, `deal-<project_id>`")
    kind: str = Field(description="approval, rectification, warning_analysis, risk_review, complaint, revisit, deal "
                                  "(a deal to confirm), or the pending action's kind")
    project_id: str | None = Field(default=None, description="The project; null for a complaint naming none")
    complaint_id: str | None = Field(default=None, description="The complaint, for a `complaint` item")
    process_id: str | None = Field(default=None, description="The process instance, for a `process` item")
    due_at: datetime | None = None
    overdue: bool = False
    description: str = ""
    gate: Gate | None = None


# A pending `rectification` action means "fix the tasks, then resubmit results"; the tasks
# themselves are the inbox's rectification items, so the action shows as the resubmission.
# A wait reassigned to a person (pending_user_id) is theirs alone. The statement is built per
# role (an executive's approvals span departments; only a dept_head owes cause analyses
# nobody was named for): `$2 = 'executive'` inside the SQL would keep the department out of
# the index condition under asyncpg's generic plans (migration 0400 has the indexes).
PENDING = """
SELECT p.id || ':' || p.pending_kind AS id,
       CASE p.pending_kind WHEN 'rectification' THEN 'results' ELSE p.pending_kind END AS kind,
       p.id AS project_id, p.pending_due_at AS due_at,
       coalesce((p.view->'pending'->>'steps_done')::int, 0) > 0 AS overdue, '' AS description,
       p.pending_gate AS gate
FROM projects p
WHERE p.pending_kind = 'approval' AND p.pending_user_id IS NULL AND p.pending_role = $2::text {department}
UNION ALL
SELECT p.id || ':' || p.pending_kind,
       CASE p.pending_kind WHEN 'rectification' THEN 'results' ELSE p.pending_kind END,
       p.id, p.pending_due_at, coalesce((p.view->'pending'->>'steps_done')::int, 0) > 0, '', p.pending_gate
FROM projects p
WHERE p.pending_user_id = $1::text AND p.pending_kind IS NOT NULL
UNION ALL
SELECT p.id || ':warning_analysis', 'warning_analysis', p.id, (p.view->'warning'->>'analysis_due_at')::timestamptz,
       (p.view->'warning'->>'analysis_due_at')::timestamptz < now(), '', NULL
FROM projects p
WHERE p.warning AND p.view->'warning'->>'analysis_due_at' IS NOT NULL
  AND ((p.view->'warning'->>'analysis_user_id') = $1::text {unnamed_analysis})
UNION ALL
SELECT t.id, 'rectification', t.project_id, t.due_at, t.escalations > 0, t.description, NULL
FROM rectification_tasks t
WHERE t.owner_user_id = $1::text AND t.status = 'open'
UNION ALL
SELECT r.id, 'risk_review', r.project_id, r.review_due_at,
       r.escalations > 0, left(r.description, 200), NULL
FROM risks r
WHERE r.owner_user_id = $1::text AND r.status = 'open'
"""


def inbox_sql(role: Role) -> str:
    """The statement for a role: $1 the user id, $2 the role, $3 the department."""
    return PENDING.format(
        department="" if role == Role.executive else "AND p.department = $3::text",
        unnamed_analysis="OR (p.view->'warning'->>'analysis_user_id' IS NULL AND p.department = $3::text)"
        if role == Role.dept_head else "",
    )


NODE_COLUMNS = ("node_name", "node_type", "node_position")  # a process item's node (store/process_inbox.py)


async def inbox(db: Db, *, user_id: str, role: Role, department: str | None, lang: str = "zh") -> list[InboxItem]:
    """The caller's open work, soonest due first: two statements, however many items."""
    # An executive's statement has no department ($3).
    args = (user_id, role.value) if role == Role.executive else (user_id, role.value, department)
    rows = [*await db.fetch(inbox_sql(role), *args),
            *await db.fetch(SERVICE_INBOX_SQL, user_id, role.value, department),
            *await db.fetch(PROCESS_INBOX_SQL, user_id, role.value, department),
            *await db.fetch(FOLLOW_UP_INBOX_SQL, user_id, role.value, department)]
    rows.sort(key=lambda r: (r["due_at"] is None, r["due_at"] or 0, r["id"]))
    seen: set[str] = set()
    items = []
    for row in rows:
        if row["id"] not in seen:
            seen.add(row["id"])
            item = InboxItem(**{k: v for k, v in row.items() if k not in ("pending", *NODE_COLUMNS)})
            if item.kind == "process":  # the template's name, then its node's, never the node's id
                node = row["node_name"] or unnamed(row["node_type"], row["node_position"] or 0, lang)
                item.description = f"{item.description}{'：' if lang == 'zh' else ': '}{node}"
            if not item.description:
                item.description = t(f"web.pending.{row.get('pending') or item.kind}", lang) \
                    if item.kind != "approval" or not item.gate else t(f"web.gate.{item.gate.value}", lang)
            items.append(item)
    return items


class DecisionContext(BaseModel):
    """What deciding an inbox item needs from its project (the web inbox shows it with each item)."""

    id: str
    requirement: str = ""
    business_type: str
    department: str
    agent_name: str
    risk_level: str | None = None
    difficulty: str | None = None
    budget: str | None = None
    expected_cycle_days: int | None = None
    milestones: list[dict[str, Any]] = Field(default_factory=list)
    approvals: list[dict[str, Any]] = Field(default_factory=list)
    deal: dict[str, Any] | None = Field(
        default=None, description="With a deal to confirm in this inbox only: its date, value and commission "
                                  "(what the dept head confirms), else null")  # fmt: skip


# One statement for every project of the inbox (the milestones and approvals aggregated per project).
CONTEXT_SQL = """
SELECT p.id, coalesce(p.requirement, '') AS requirement, p.business_type, p.department, p.agent_name,
       p.view->>'risk_level' AS risk_level, p.view->'assessment'->>'difficulty' AS difficulty,
       p.view->'assessment'->>'budget' AS budget,
       (p.view->'assessment'->>'expected_cycle_days')::int AS expected_cycle_days,
       coalesce((SELECT jsonb_agg(jsonb_build_object('name', m.name, 'due_date', m.due_date, 'done_on', m.done_on)
                                  ORDER BY m.due_date, m.name)
                 FROM milestones m WHERE m.project_id = p.id), '[]') AS milestones,
       coalesce((SELECT jsonb_agg(jsonb_build_object(
                     'gate', a.gate, 'level', a.level, 'decision', a.decision, 'by_user_id', a.by_user_id,
                     'by_name', a.by_name, 'at', a.at, 'comment', a.comment, 'round', a.round,
                     'on_behalf_of_id', a.on_behalf_of_id, 'on_behalf_of_name', a.on_behalf_of_name)
                     ORDER BY a.at, a.step_key)
                 FROM approvals a WHERE a.project_id = p.id), '[]') AS approvals,
       CASE WHEN p.id = ANY($2::text[]) THEN (
           SELECT jsonb_build_object('deal_date', d.deal_date, 'value', d.value::text,
                                     'commission', d.commission::text)
           FROM deals d WHERE d.project_id = p.id) END AS deal
FROM projects p WHERE p.id = ANY($1::text[])
"""
DECIDED_HERE = frozenset({"complaint", "revisit"})


async def decision_context(db: Db, items: list[InboxItem]) -> dict[str, DecisionContext]:
    """The context of each project item of an inbox (not complaints or revisits), in one statement."""
    ids = sorted({i.project_id for i in items if i.project_id and i.kind not in DECIDED_HERE})
    if not ids:
        return {}
    # a deal's figures go only to the inbox that confirms it (the dept head's), not with the project's other items
    deals = sorted({i.project_id for i in items if i.project_id and i.kind == "deal"})
    rows = await db.fetch(CONTEXT_SQL, ids, deals)
    return {r["id"]: DecisionContext(**{k: _json(v) if k in ("milestones", "approvals", "deal") else v
                                        for k, v in r.items()}) for r in rows}  # fmt: skip


def _json(value: Any) -> Any:
    # Pools built by store.db decode jsonb; a bare connection hands back text.
    return json.loads(value) if isinstance(value, str) else value
