"""The caller's inbox: pending approvals and actions, cause analyses, rectification tasks, and
complaints and revisits (store/service_inbox.py)."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from pydantic import BaseModel, Field

from domain.models import Gate, Role
from jindu.i18n import t
from store.service_inbox import SERVICE_INBOX_SQL

Db = asyncpg.Pool | asyncpg.Connection


class InboxItem(BaseModel):
    id: str = Field(description="`<project_id>:<kind>` for a pending action, the task id for a rectification task, "
                                "the risk id, the complaint id, `revisit-<project_id>`")
    kind: str = Field(description="approval, rectification, warning_analysis, risk_review, complaint, revisit, or the "
                                  "pending action's kind")
    project_id: str | None = Field(default=None, description="The project; null for a complaint naming none")
    complaint_id: str | None = Field(default=None, description="The complaint, for a `complaint` item")
    due_at: datetime | None = None
    overdue: bool = False
    description: str = ""
    gate: Gate | None = None


# A pending `rectification` action means "fix the tasks, then resubmit results"; the tasks
# themselves are the inbox's rectification items, so the action shows as the resubmission.
# A wait reassigned to a person (pending_user_id) is theirs alone.
INBOX_SQL = """
SELECT p.id || ':' || p.pending_kind AS id,
       CASE p.pending_kind WHEN 'rectification' THEN 'results' ELSE p.pending_kind END AS kind,
       p.id AS project_id, p.pending_due_at AS due_at,
       coalesce((p.view->'pending'->>'steps_done')::int, 0) > 0 AS overdue, '' AS description,
       p.pending_gate AS gate
FROM projects p
WHERE p.pending_kind IS NOT NULL
  AND ((p.pending_kind = 'approval' AND p.pending_user_id IS NULL AND p.pending_role = $2::text
         AND (p.department = $3::text OR $2::text = 'executive'))
       OR p.pending_user_id = $1::text)
UNION ALL
SELECT p.id || ':warning_analysis', 'warning_analysis', p.id, (p.view->'warning'->>'analysis_due_at')::timestamptz,
       (p.view->'warning'->>'analysis_due_at')::timestamptz < now(), '', NULL
FROM projects p
WHERE p.warning AND p.view->'warning'->>'analysis_due_at' IS NOT NULL
  AND ((p.view->'warning'->>'analysis_user_id') = $1::text
       OR (p.view->'warning'->>'analysis_user_id' IS NULL AND $2::text = 'dept_head' AND p.department = $3::text))
UNION ALL
SELECT t.id, 'rectification', t.project_id, t.due_at, t.escalations > 0, t.description, NULL
FROM rectification_tasks t
WHERE t.owner_user_id = $1::text AND t.status = 'open'
UNION ALL
SELECT r.id, 'risk_review', r.project_id, r.review_due_at,
       r.escalations > 0, left(r.description, 200), NULL
FROM risks r
WHERE r.owner_user_id = $1::text AND r.status = 'open'
ORDER BY due_at NULLS LAST, id
"""


async def inbox(db: Db, *, user_id: str, role: Role, department: str | None, lang: str = "zh") -> list[InboxItem]:
    """The caller's open work, soonest due first."""
    rows = [*await db.fetch(INBOX_SQL, user_id, role.value, department),
            *await db.fetch(SERVICE_INBOX_SQL, user_id, role.value, department)]
    rows.sort(key=lambda r: (r["due_at"] is None, r["due_at"] or 0, r["id"]))
    seen: set[str] = set()
    items = []
    for row in rows:
        if row["id"] not in seen:
            seen.add(row["id"])
            item = InboxItem(**{k: v for k, v in row.items() if k != "pending"})
            if not item.description:
                item.description = t(f"web.pending.{row.get('pending') or item.kind}", lang) \
                    if item.kind != "approval" or not item.gate else t(f"web.gate.{item.gate.value}", lang)
            items.append(item)
    return items
