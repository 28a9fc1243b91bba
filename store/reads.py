"""Read-side queries for the HTTP API: project lists, one project's records, its history.

The `record` activity keeps these tables in step (store/records.py); nothing here writes.
"""

from __future__ import annotations

import heapq
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field, TypeAdapter

from domain.models import Gate, Role, Stage
from domain.project import Kpis

Db = asyncpg.Pool | asyncpg.Connection
MAX_OFFSET = 100_000


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
    kpis: Kpis = Field(description="As of the project's last recorded step")
    created_at: datetime
    updated_at: datetime


class ProjectPage(BaseModel):
    items: list[ProjectSummary]
    total: int
    limit: int
    offset: int
    next_cursor: str | None = Field(default=None, description="Pass as `after` for the next page (keyset paging: "
                                                              "as fast at the thousandth page as at the first)")


# Filters are written into the SQL only when given: a `($1 IS NULL OR stage = $1)` filter
# defeats the indexes under asyncpg's generic plans (migration 0400 has one per filter).
LIST_FILTERS = (("stage", "stage = ${}"), ("department", "department = ${}"), ("overdue", "overdue = ${}"),
                ("warning", "warning = ${}"))
# A boolean filter for true reads its partial index; for false, the plain column.
PARTIAL = {("overdue", True): "overdue", ("warning", True): "warning"}


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    clauses, args = [], []
    for name, template in LIST_FILTERS:
        value = filters.get(name)
        if value is None:
            continue
        if (name, value) in PARTIAL:
            clauses.append(PARTIAL[(name, value)])
            continue
        args.append(value)
        clauses.append(template.format(len(args)))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _summary(row: asyncpg.Record) -> ProjectSummary:
    pending = None
    if row["pending_kind"] is not None:
        pending = PendingSummary(kind=row["pending_kind"], gate=row["pending_gate"], role=row["pending_role"],
                                 user_id=row["pending_user_id"], due_at=row["pending_due_at"])  # fmt: skip
    kpis = Kpis(completion_rate=row["completion_rate"], cycle_deviation_rate=row["cycle_deviation_rate"],
                satisfaction_score=row["satisfaction_score"])  # fmt: skip
    return ProjectSummary(id=row["id"], stage=row["stage"], department=row["department"],
                          business_type=row["business_type"], agent_name=row["agent_name"],
                          risk_level=row["risk_level"], pending=pending, overdue=row["overdue"],
                          warning=row["warning"], kpis=kpis, created_at=row["created_at"],
                          updated_at=row["updated_at"])  # fmt: skip


LIST_COLUMNS = ("id, stage, department, business_type, agent_name, risk_level, pending_kind, pending_gate,"
                " pending_role, pending_user_id, pending_due_at, overdue, warning, completion_rate,"
                " cycle_deviation_rate, satisfaction_score, created_at, updated_at")  # fmt: skip


def page_cursor(item: ProjectSummary) -> str:
    """The keyset of the next page: the last item's (updated_at, id)."""
    return f"{item.updated_at.isoformat()}|{item.id}"


def parse_cursor(cursor: str) -> tuple[datetime, str]:
    """Raises ValueError for a cursor this module did not make."""
    at, sep, pid = cursor.partition("|")
    if not sep or not pid:
        raise ValueError("cursor is not <updated_at>|<id> from next_cursor")
    when = datetime.fromisoformat(at)
    if when.tzinfo is None:
        raise ValueError("cursor time has no offset")
    if not 2000 <= when.year <= 2100:  # a year 0001 overflows the driver's UTC arithmetic (a 500)
        raise ValueError("cursor time is outside the years 2000–2100")
    return when, pid


async def list_projects(db: Db, *, stage: str | None = None, department: str | None = None,
                        overdue: bool | None = None, warning: bool | None = None, limit: int = 20,
                        offset: int = 0, after: tuple[datetime, str] | None = None) -> ProjectPage:  # fmt: skip
    """Most recently changed first; `total` counts every match, not just this page. `after`
    (a `next_cursor`) pages by keyset: each page costs the same however deep it is."""
    where, args = _where({"stage": stage, "department": department, "overdue": overdue, "warning": warning})
    total = await db.fetchval("SELECT count(*) FROM projects" + where, *args)
    page_where, page_args = where, list(args)
    if after is not None:
        page_args += [after[0], after[1]]
        keyset = f"(updated_at, id) < (${len(page_args) - 1}, ${len(page_args)})"
        page_where = f"{where} AND {keyset}" if where else f" WHERE {keyset}"
        offset = 0
    n = len(page_args)
    rows = await db.fetch(f"SELECT {LIST_COLUMNS} FROM projects{page_where} ORDER BY updated_at DESC, id DESC "
                          f"LIMIT ${n + 1} OFFSET ${n + 2}", *page_args, limit, offset)  # fmt: skip
    items = [_summary(r) for r in rows]
    cursor = page_cursor(items[-1]) if len(items) == limit else None
    return ProjectPage(items=items, total=total, limit=limit, offset=offset, next_cursor=cursor)


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


class HistoryEvent(BaseModel):
    seq: int
    kind: str
    at: datetime
    actor_name: str | None = None
    actor_role: Role | None = None
    comment: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    superseded: bool = Field(default=False, description="A step of a workflow task that never completed or of a "
                                                        "branch an operator reset away (auditors only)")


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


TASK_NAMES = ("id", "project_id", "source", "description", "owner_user_id", "owner_name", "owner_role", "department",
              "created_at", "due_at", "status", "resolution", "completed_at", "round", "escalations")  # fmt: skip
TASK_COLUMNS = ", ".join(TASK_NAMES)


async def rectification_task(db: Db, task_id: str) -> TaskRecord | None:
    row = await db.fetchrow(f"SELECT {TASK_COLUMNS} FROM rectification_tasks WHERE id = $1", task_id)
    return None if row is None else TaskRecord(**dict(row))


# --------------------------------------------------------------------------- one project, one statement
# The project view's records gathered with `ARRAY(SELECT ROW(...))` subqueries: one round trip
# instead of eight. asyncpg decodes each record's fields by their own types (dates, timestamps;
# jsonb is sent as text).

MILESTONE_COLUMNS = ("name", "due_date", "done_on")
APPROVAL_COLUMNS = ("gate", "level", "decision", "by_user_id", "by_name", "at", "comment", "round", "on_behalf_of_id",
                    "on_behalf_of_name")  # fmt: skip
HISTORY_COLUMNS = ("seq", "kind", "at", "actor_name", "actor_role", "comment", "data", "superseded")
CUSTOMER_COLUMNS = ("id", "name_enc", "phone_enc", "email_enc", "company_enc", "user_id", "created_at", "disposed_at")


def _row(columns: tuple[str, ...]) -> str:
    return "ROW(" + ", ".join(columns) + ")"


PROJECT_RECORD = f"""
SELECT p.id, p.stage, p.department, p.business_type, p.channel, p.requirement, p.agent_id, p.agent_name,
       p.customer_user_id, p.overdue, p.created_at, p.updated_at, p.completed_at, p.cancel_reason, p.plan, p.view,
       ARRAY(SELECT {_row(MILESTONE_COLUMNS)} FROM milestones WHERE project_id = p.id
             ORDER BY due_date, name) AS milestones,
       ARRAY(SELECT rating FROM ratings WHERE project_id = p.id ORDER BY at, step_key) AS ratings,
       ARRAY(SELECT {_row(APPROVAL_COLUMNS)} FROM approvals WHERE project_id = p.id
             ORDER BY at, step_key) AS approvals,
       ARRAY(SELECT {_row(TASK_NAMES)} FROM rectification_tasks WHERE project_id = p.id
             ORDER BY created_at, id) AS tasks,
       ARRAY(SELECT ROW(seq, kind, at, actor_name, actor_role, comment, data::text, superseded_at IS NOT NULL)
             FROM events WHERE project_id = p.id AND (superseded_at IS NULL OR $2)
             ORDER BY seq, superseded_at NULLS LAST, at) AS history,
       (SELECT analysis FROM warnings WHERE project_id = p.id AND kind = 'analysed'
        ORDER BY at DESC LIMIT 1) AS analysis,
       (SELECT {_row(CUSTOMER_COLUMNS)} FROM customers WHERE project_id = p.id) AS customer,
       ARRAY(SELECT ROW(seq, kind, at, actor_name, actor_role, comment, data::text, superseded_at IS NOT NULL)
             FROM deal_events WHERE project_id = p.id AND (superseded_at IS NULL OR $2)
             ORDER BY seq, superseded_at NULLS LAST, at) AS deal_history
FROM projects p WHERE p.id = $1
"""  # noqa: S608  (column names only, from the constants above)


HISTORY = TypeAdapter(list[HistoryEvent])  # a view's steps validated in one call, not one each (~40% less CPU)


@dataclass(frozen=True)
class ProjectRecord:
    row: dict[str, Any]  # the projects row, `plan` and `view` decoded
    milestones: list[dict[str, Any]]
    ratings: list[int]
    approvals: list[dict[str, Any]]
    tasks: list[TaskRecord]
    history: list[HistoryEvent]
    analysis: str | None
    customer: dict[str, Any] | None  # the encrypted customer row (store/customers.py `customer_from_row`)


async def project_record(db: Db, project_id: str, *, superseded: bool = False) -> ProjectRecord | None:
    """`superseded` adds the history's abandoned steps (for auditors)."""
    row = await db.fetchrow(PROJECT_RECORD, project_id, superseded)
    if row is None:
        return None
    history = [dict(zip(HISTORY_COLUMNS, r, strict=True)) for r in row["history"]]
    # The deal's steps (DealWorkflow, issue 14) among the project's, by time; each keeps its order.
    deal = [dict(zip(HISTORY_COLUMNS, r, strict=True)) for r in row["deal_history"]]
    if deal:
        history = list(heapq.merge(history, deal, key=lambda h: h["at"]))
    customer = row["customer"]
    return ProjectRecord(
        row={k: _json(row[k]) if k in ("plan", "view") else row[k] for k in list(row.keys())[:16]},
        milestones=[dict(zip(MILESTONE_COLUMNS, r, strict=True)) for r in row["milestones"]],
        ratings=list(row["ratings"]),
        approvals=[dict(zip(APPROVAL_COLUMNS, r, strict=True)) for r in row["approvals"]],
        tasks=[TaskRecord(**dict(zip(TASK_NAMES, r, strict=True))) for r in row["tasks"]],
        history=HISTORY.validate_python([{**h, "data": _json(h["data"]) or {}} for h in history]),  # one call
        analysis=row["analysis"],
        customer=None if customer is None else dict(zip(CUSTOMER_COLUMNS, customer, strict=True)),
    )  # fmt: skip


def local_today(tz: Any) -> date:
    return datetime.now(tz).date()
