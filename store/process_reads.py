"""Process instances as read from PostgreSQL (issue 15): the row the API writes before the
workflow starts, lists, one instance with its history and open slots, and who may see it.

Who sees an instance: its applicant, whoever acted on it or is waited on by it, the dept_head
of its department, and company-wide watchers (executive, operations, auditor).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from domain.models import Role
from domain.process_template import ProcessTemplate
from store.users import User

Db = asyncpg.Pool | asyncpg.Connection
WATCHERS = (Role.executive, Role.operations, Role.auditor)
MAX_LIST = 200


class Pending(BaseModel):
    slot: str
    node: str
    role: str
    department: str | None = None
    user_id: str | None = None
    user_name: str | None = None
    due_at: datetime | None = None
    overdue: bool = False

    def waits_on(self, user: User) -> bool:
        """This open slot is `user`'s: theirs by name, or their role's in their department."""
        if self.user_id is not None:
            return self.user_id == user.id
        return self.role == user.role.value and self.department in (None, user.department)


class ProcessStep(BaseModel):
    seq: int
    kind: str
    at: datetime
    actor_name: str | None = None
    actor_role: str | None = None
    comment: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


class ProcessRecord(BaseModel):
    id: str
    template: str
    version: int
    template_name: str
    status: str
    node_id: str | None = None
    department: str | None = None
    applicant_id: str
    applicant_name: str | None = None
    form: dict[str, Any] = Field(default_factory=dict)
    started_at: datetime
    ended_at: datetime | None = None
    due_at: datetime | None = None
    overdue: bool = False
    pending: list[Pending] = Field(default_factory=list)


class ProcessFile(BaseModel):
    """A file sent with the form or a task's fields (download: GET /v1/attachments/{id})."""

    id: str
    name: str
    size: int = Field(description="Bytes")
    content_type: str = Field(description="The file's type, read from its bytes")


class ProcessDetail(ProcessRecord):
    history: list[ProcessStep] = Field(default_factory=list)
    files: list[ProcessFile] = Field(default_factory=list, description="Files sent with the form or tasks")
    nodes: list[dict[str, Any]] = Field(default_factory=list, description="The template version's nodes")
    form_fields: list[dict[str, Any]] = Field(default_factory=list, description="The template version's form")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def claim(db: Db, *, pid: str, t: ProcessTemplate, form: dict[str, Any], user: User, at: datetime) -> bool:
    """Write the instance's row before its workflow starts; False when it exists (a retry)."""
    row = await db.fetchrow(
        """INSERT INTO processes (id, workflow_id, template_key, template_version, template_name, applicant_id,
               applicant_name, applicant_role, department, form, started_at)
           VALUES ($1, 'process-' || $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING
           RETURNING id""",
        pid, t.key, t.version, t.name, user.id, user.name, user.role.value, user.department, form, at,
    )  # fmt: skip
    return row is not None


def _visible(user: User, first: int) -> tuple[str, list[Any]]:
    """A WHERE condition on `p`, its arguments numbered from `first`, for what `user` may see."""
    if user.role in WATCHERS:
        return "true", []
    me, role, dept = f"${first}", f"${first + 1}", f"${first + 2}"
    own = (f"(p.applicant_id = {me} OR EXISTS (SELECT 1 FROM process_events e WHERE e.process_id = p.id "
           f"AND e.actor_id = {me}) OR EXISTS (SELECT 1 FROM process_inbox i WHERE i.process_id = p.id AND "
           f"(i.user_id = {me} OR i.user_id IS NULL AND i.role = {role} AND (i.department IS NULL OR "
           f"i.department = {dept}))) OR ({role} = 'dept_head' AND p.department = {dept}))")  # fmt: skip
    return own, [user.id, user.role.value, user.department]


async def pending(db: Db, ids: list[str]) -> dict[str, list[Pending]]:
    rows = await db.fetch("SELECT * FROM process_inbox WHERE process_id = ANY($1::text[]) ORDER BY slot_id", ids)
    out: dict[str, list[Pending]] = {}
    for r in rows:
        out.setdefault(r["process_id"], []).append(Pending(slot=r["slot_id"], node=r["node_id"], role=r["role"],
            department=r["department"], user_id=r["user_id"], user_name=r["user_name"], due_at=r["due_at"],
            overdue=r["overdue"]))  # fmt: skip
    return out


def _record(r: asyncpg.Record, slots: list[Pending]) -> dict[str, Any]:
    return dict(id=r["id"], template=r["template_key"], version=r["template_version"],
                template_name=r["template_name"], status=r["status"], node_id=r["node_id"],
                department=r["department"], applicant_id=r["applicant_id"], applicant_name=r["applicant_name"],
                form=_json(r["form"]) or {}, started_at=r["started_at"], ended_at=r["ended_at"], due_at=r["due_at"],
                overdue=r["overdue"], pending=slots)  # fmt: skip


async def list_processes(db: Db, user: User, *, template: str | None = None, status: str | None = None,
                         mine: bool = False, limit: int = 50) -> list[ProcessRecord]:  # fmt: skip
    seen, args = _visible(user, 1)
    where = [seen]
    if template:
        args.append(template)
        where.append(f"p.template_key = ${len(args)}")
    if status:
        args.append(status)
        where.append(f"p.status = ${len(args)}")
    if mine:
        args.append(user.id)
        where.append(f"p.applicant_id = ${len(args)}")
    args.append(min(limit, MAX_LIST))
    sql = (f"SELECT p.* FROM processes p WHERE {' AND '.join(where)} "
           f"ORDER BY p.started_at DESC, p.id LIMIT ${len(args)}")  # fmt: skip
    rows = await db.fetch(sql, *args)
    slots = await pending(db, [r["id"] for r in rows])
    return [ProcessRecord(**_record(r, slots.get(r["id"], []))) for r in rows]


async def process(db: Db, user: User, pid: str) -> ProcessDetail | None:
    """The instance if `user` may see it (None otherwise: the API answers 404 either way)."""
    seen, args = _visible(user, 2)
    row = await db.fetchrow(f"SELECT p.* FROM processes p WHERE p.id = $1 AND {seen}", pid, *args)
    if row is None:
        return None
    steps = await db.fetch("SELECT seq, kind, at, actor_name, actor_role, comment, data FROM process_events "
                           "WHERE process_id = $1 AND superseded_at IS NULL ORDER BY seq", pid)  # fmt: skip
    body = await db.fetchval("SELECT body FROM process_templates WHERE key = $1 AND version = $2",
                             row["template_key"], row["template_version"])  # fmt: skip
    slots = (await pending(db, [pid])).get(pid, [])
    files = await db.fetch("SELECT id, name, size, content_type FROM attachments WHERE process_id = $1 "
                           "AND disposed_at IS NULL ORDER BY uploaded_at, id", pid)  # fmt: skip
    history = [ProcessStep(**{**dict(s), "data": _json(s["data"]) or {}}) for s in steps]
    template = (_json(body) or {}) if body else {}
    return ProcessDetail(**_record(row, slots), history=history, nodes=template.get("nodes", []),
                         form_fields=template.get("form", []),
                         files=[ProcessFile(**dict(f)) for f in files])  # fmt: skip
