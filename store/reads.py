"""Read-side queries for the HTTP API: the projects read model, its history, inboxes.

The workflow's activities keep these tables in step; nothing here writes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from domain.models import Gate, Kpis, ProjectState, Role, Stage

Db = asyncpg.Pool | asyncpg.Connection


def _json(value: Any) -> Any:
    # Pools built by store.db decode jsonb; a bare connection hands back text.
    return json.loads(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- project lists


class PendingSummary(BaseModel):
    kind: str
    gate: Gate | None = None
    role: Role | None = None
    user_id: str | None = None
    due_at: datetime | None = None


class ProjectSummary(BaseModel):
    """One row of a project list: no customer personal data."""

    id: str
    stage: Stage
    department: str
    business_type: str
    agent_name: str
    risk_level: str | None = None
    pending: PendingSummary | None = None
    overdue: bool
    warning: bool
    kpis: Kpis
    created_at: datetime
    updated_at: datetime


class ProjectPage(BaseModel):
    items: list[ProjectSummary]
    total: int
    limit: int
    offset: int


LIST_FILTER = """
FROM projects
WHERE ($1::text IS NULL OR stage = $1)
  AND ($2::text IS NULL OR department = $2)
  AND ($3::boolean IS NULL OR overdue = $3)
  AND ($4::boolean IS NULL OR warning = $4)
"""


def _summary(row: asyncpg.Record) -> ProjectSummary:
    pending = None
    if row["pending_kind"] is not None:
        pending = PendingSummary(
            kind=row["pending_kind"],
            gate=row["pending_gate"],
            role=row["pending_role"],
            user_id=row["pending_user_id"],
            due_at=row["pending_due_at"],
        )
    return ProjectSummary(
        id=row["id"],
        stage=row["stage"],
        department=row["department"],
        business_type=row["business_type"],
        agent_name=row["agent_name"],
        risk_level=row["risk_level"],
        pending=pending,
        overdue=row["overdue"],
        warning=row["warning"],
        kpis=Kpis(
            completion_rate=row["completion_rate"],
            cycle_deviation_rate=row["cycle_deviation_rate"],
            satisfaction_score=row["satisfaction_score"],
        ),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def list_projects(
    db: Db,
    *,
    stage: str | None = None,
    department: str | None = None,
    overdue: bool | None = None,
    warning: bool | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ProjectPage:
    """Most recently changed first; `total` counts every match, not just this page."""
    args = (stage, department, overdue, warning)
    total = await db.fetchval("SELECT count(*) " + LIST_FILTER, *args)
    rows = await db.fetch(
        "SELECT id, stage, department, business_type, agent_name, risk_level, pending_kind, pending_gate,"
        " pending_role, pending_user_id, pending_due_at, overdue, warning, completion_rate,"
        " cycle_deviation_rate, satisfaction_score, created_at, updated_at "
        + LIST_FILTER
        + " ORDER BY updated_at DESC, id LIMIT $5 OFFSET $6",
        *args, limit, offset,
    )
    return ProjectPage(items=[_summary(r) for r in rows], total=total, limit=limit, offset=offset)


# --------------------------------------------------------------------------- one project


class ProjectAccess(BaseModel):
    """What deciding who may see or act on a project needs."""

    id: str
    department: str
    customer_user_id: str | None = None
    agent_id: str
    stage: Stage


async def project_access(db: Db, project_id: str) -> ProjectAccess | None:
    row = await db.fetchrow(
        "SELECT id, department, customer_user_id, agent_id, stage FROM projects WHERE id = $1", project_id
    )
    return None if row is None else ProjectAccess(**dict(row))


class ProjectRecord(BaseModel):
    id: str
    overdue: bool
    warning: bool
    state: ProjectState


async def project_record(db: Db, project_id: str) -> ProjectRecord | None:
    row = await db.fetchrow("SELECT id, overdue, warning, state FROM projects WHERE id = $1", project_id)
    if row is None:
        return None
    state = ProjectState.model_validate(_json(row["state"]))
    return ProjectRecord(id=row["id"], overdue=row["overdue"], warning=row["warning"], state=state)


class HistoryEvent(BaseModel):
    seq: int
    kind: str
    at: datetime
    actor_name: str | None = None
    actor_role: Role | None = None
    comment: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


async def project_history(db: Db, project_id: str) -> list[HistoryEvent]:
    rows = await db.fetch(
        "SELECT seq, kind, at, actor_name, actor_role, comment, data FROM events WHERE project_id = $1 ORDER BY seq",
        project_id,
    )
    return [HistoryEvent(**{**dict(r), "data": _json(r["data"]) or {}}) for r in rows]


# --------------------------------------------------------------------------- inbox


class InboxItem(BaseModel):
    id: str = Field(description="`<project_id>:<kind>` for a pending action, the task id for a rectification task")
    kind: str = Field(description="approval, rectification, or the pending action's kind")
    project_id: str
    due_at: datetime | None = None
    description: str = ""
    gate: Gate | None = None


# A pending `rectification` action means "fix the tasks, then resubmit results"; the tasks
# themselves are the inbox's rectification items, so the action shows as the resubmission.
INBOX_SQL = """
SELECT p.id || ':' || p.pending_kind AS id,
       CASE p.pending_kind WHEN 'rectification' THEN 'results' ELSE p.pending_kind END AS kind,
       p.id AS project_id, p.pending_due_at AS due_at,
       coalesce(p.state->'pending'->>'description', '') AS description, p.pending_gate AS gate
FROM projects p
WHERE p.pending_kind IS NOT NULL
  AND ((p.pending_kind = 'approval' AND p.pending_role = $2::text
         AND (p.department = $3::text OR $2::text = 'executive'))
       OR p.pending_user_id = $1::text)
UNION ALL
SELECT p.id || ':warning_analysis', 'warning_analysis', p.id,
       (p.state->'warning'->'pending'->>'due_at')::timestamptz,
       coalesce(p.state->'warning'->'pending'->>'description', ''), NULL
FROM projects p
WHERE $2::text = 'dept_head' AND p.department = $3::text AND p.warning
  AND jsonb_typeof(p.state->'warning'->'pending') = 'object'
UNION ALL
SELECT t.id, 'rectification', t.project_id, t.due_at, t.description, NULL
FROM rectification_tasks t
WHERE t.owner_user_id = $1::text AND t.status = 'open'
ORDER BY due_at NULLS LAST, id
"""


async def inbox(db: Db, *, user_id: str, role: Role, department: str | None) -> list[InboxItem]:
    """The caller's open work, soonest due first."""
    rows = await db.fetch(INBOX_SQL, user_id, role.value, department)
    seen: set[str] = set()
    items = []
    for row in rows:
        if row["id"] not in seen:
            seen.add(row["id"])
            items.append(InboxItem(**dict(row)))
    return items


# --------------------------------------------------------------------------- rectification tasks


class TaskRecord(BaseModel):
    id: str
    project_id: str
    source: str
    description: str
    owner_user_id: str
    owner_name: str
    owner_role: Role
    department: str
    created_at: datetime
    due_at: datetime
    status: str
    resolution: str | None = None
    completed_at: datetime | None = None
    round: int = 1
    escalations: int = 0


async def rectification_task(db: Db, task_id: str) -> TaskRecord | None:
    row = await db.fetchrow(
        "SELECT id, project_id, source, description, owner_user_id, owner_name, owner_role, department,"
        " created_at, due_at, status, resolution, completed_at, round, escalations"
        " FROM rectification_tasks WHERE id = $1",
        task_id,
    )
    return None if row is None else TaskRecord(**dict(row))
