"""Complaints in PostgreSQL: the row the API writes before starting the workflow (content and
the encrypted contact live only here), and the reads behind the complaint routes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from domain.models import Role
from domain.service_models import ComplaintIn
from store.crypto import DataCipher
from store.reads import HistoryEvent
from store.users import User

Db = asyncpg.Pool | asyncpg.Connection
COLUMNS = ("id, project_id, department, agent_id, customer_user_id, channel, content, filed_by_id, filed_by_role,"
           " status, round, assignee_role, filed_at, first_reply_due_at, first_replied_at, resolution_due_at,"
           " confirmation_due_at, due_at, answered_at, resolved, unresolved_reason, satisfied, rating, closed_at,"
           " overdue")  # fmt: skip


class ComplaintAccess(BaseModel):
    """What deciding who may see or act on a complaint needs."""

    id: str
    project_id: str | None = None
    department: str | None = None
    customer_user_id: str | None = None
    filed_by_id: str
    status: str
    coordinating: list[str] = []  # departments customer service asked to help (issue 14)


async def claim_complaint(pool: asyncpg.Pool, *, complaint_id: str, body: ComplaintIn, filer: User,
                          project: dict[str, Any] | None, customer_user_id: str | None, cipher: DataCipher,
                          at: datetime) -> tuple[bool, dict[str, Any]]:  # fmt: skip
    """Write the complaint unless its id is taken; return whether this call wrote it, and the
    row as stored (what the workflow starts from, so a retry sends the same input)."""
    contact = body.contact.model_dump(exclude_none=True) if body.contact else None
    async with pool.acquire() as conn, conn.transaction():
        inserted = await conn.fetchval(
            """INSERT INTO complaints (id, workflow_id, project_id, department, agent_id, customer_user_id, channel,
                   content, contact_enc, filed_by_id, filed_by_role, status, assignee_role, filed_at)
               VALUES ($1, 'complaint-' || $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12)
               ON CONFLICT DO NOTHING RETURNING id""",
            complaint_id, body.project_id, project["department"] if project else None,
            project["agent_id"] if project else None, customer_user_id, body.channel.value, body.content,
            cipher.encrypt(json.dumps(contact, ensure_ascii=False)) if contact else None, filer.id, filer.role.value,
            (Role.dept_head if project else Role.operations).value, at,
        )  # fmt: skip
        row = await conn.fetchrow(
            """SELECT c.*, p.agent_name FROM complaints c LEFT JOIN projects p ON p.id = c.project_id
               WHERE c.id = $1""", complaint_id)  # fmt: skip
    return inserted is not None, dict(row)


async def complaint_access(db: Db, complaint_id: str) -> ComplaintAccess | None:
    row = await db.fetchrow("SELECT id, project_id, department, customer_user_id, filed_by_id, status, "
                            "ARRAY(SELECT jsonb_array_elements_text(coalesce(view->'coordinating', '[]'))) "
                            "AS coordinating FROM complaints WHERE id = $1", complaint_id)  # fmt: skip
    return None if row is None else ComplaintAccess(**dict(row))


async def complaint_row(db: Db, complaint_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(f"SELECT {COLUMNS}, contact_enc FROM complaints WHERE id = $1", complaint_id)
    return None if row is None else dict(row)


def read_contact(row: dict[str, Any], cipher: DataCipher) -> dict[str, Any] | None:
    text = cipher.decrypt(row.get("contact_enc"))
    return None if text is None else json.loads(text)


async def complaint_history(db: Db, complaint_id: str) -> list[HistoryEvent]:
    rows = await db.fetch("SELECT seq, kind, at, actor_name, actor_role, comment, data FROM complaint_events "
                          "WHERE complaint_id = $1 ORDER BY seq", complaint_id)  # fmt: skip
    return [HistoryEvent(**{**dict(r), "data": r["data"] or {}}) for r in rows]


class ComplaintSummary(BaseModel):
    """One row of a complaint list: no contact, the content's start only."""

    id: str
    status: str
    round: int
    project_id: str | None = None
    department: str | None = None
    channel: str
    assignee_role: str | None = None
    summary: str = Field(description="The content's first 80 characters")
    filed_at: datetime
    due_at: datetime | None = Field(default=None, description="When what it waits on next is due")
    overdue: bool
    rating: int | None = None
    satisfied: bool | None = None


class ComplaintPage(BaseModel):
    items: list[ComplaintSummary]
    total: int
    limit: int
    offset: int


LIST_FILTER = """
FROM complaints
WHERE ($1::text IS NULL OR status = $1)
  AND ($2::boolean IS NULL OR overdue = $2)
  AND ($3::text IS NULL OR department = $3)
  AND ($4::text IS NULL OR customer_user_id = $4 OR filed_by_id = $4)
  AND ($5::text IS NULL OR project_id = $5)
"""


async def list_complaints(db: Db, *, status: str | None, overdue: bool | None, department: str | None,
                          customer_id: str | None, project_id: str | None, limit: int,
                          offset: int) -> ComplaintPage:  # fmt: skip
    """Newest first; `customer_id` keeps a customer's own (theirs, or filed by them)."""
    args = (status, overdue, department, customer_id, project_id)
    total = await db.fetchval("SELECT count(*) " + LIST_FILTER, *args)
    rows = await db.fetch(
        "SELECT id, status, round, project_id, department, channel, assignee_role, left(content, 80) AS summary,"
        " filed_at, due_at, overdue, rating, satisfied " + LIST_FILTER + " ORDER BY filed_at DESC, id"
        " LIMIT $6 OFFSET $7", *args, limit, offset)  # fmt: skip
    return ComplaintPage(items=[ComplaintSummary(**dict(r)) for r in rows], total=total, limit=limit, offset=offset)


async def opened_tasks(db: Db, complaint_id: str) -> list[str]:
    """Rectification tasks the complaint's replies opened in its project."""
    rows = await db.fetch("SELECT data->'task_ids' AS ids FROM complaint_events WHERE complaint_id = $1 "
                          "AND kind = 'tasks_opened' ORDER BY seq", complaint_id)  # fmt: skip
    return [task for r in rows for task in (r["ids"] or [])]
