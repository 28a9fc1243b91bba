"""Finding archived projects 档案查询 (001 业务归档流程: bundled and indexed for lookup).

`archive_index` (migration 0621) holds one row per archived project: its requirement and
result summaries, lower-cased, with their character unigrams and bigrams (SQL function
`archive_grams`). Chinese text is found without a dictionary: every gram of the query must
be in the row (GIN containment), then the query itself in the text (strpos). The customer's
phone is found through the keyed HMAC blind index, as in the customer master.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from domain.customers import normalise_phone
from domain.models import Role
from store.crypto import DataCipher
from store.customer_master import blind

Db = asyncpg.Connection | asyncpg.Pool
DEPARTMENT_BOUND = (Role.agent, Role.dept_head)
EVERYONE = (Role.executive, Role.operations, Role.auditor)


class ArchiveHit(BaseModel):
    project_id: str
    bundle_id: str
    archived_at: datetime
    department: str
    business_type: str
    agent_name: str
    requirement: str = Field(description="The requirement as recorded (first 300 characters)")


class ArchivePage(BaseModel):
    items: list[ArchiveHit]
    next_cursor: str | None = Field(default=None, description="Pass as `after` for the next page (keyset paging)")


@dataclass(frozen=True)
class Scope:
    """Whose archive a reader may search: everything, one department, or a customer's own."""

    department: str | None = None
    customer_user_id: str | None = None
    nothing: bool = False

    @classmethod
    def of(cls, role: Role, department: str | None, user_id: str) -> Scope:
        if role in EVERYONE:
            return cls()
        if role in DEPARTMENT_BOUND:
            return cls(department=department) if department else cls(nothing=True)
        if role == Role.customer:
            return cls(customer_user_id=user_id)
        return cls(nothing=True)


def phone_index(cipher: DataCipher, phone: str | None) -> bytes | None:
    """The blind index of a phone as the customer master writes it (`phone:<normalised>`)."""
    if phone is None or not phone.strip():
        return None
    try:
        return blind(cipher, "phone", normalise_phone(phone))
    except ValueError:
        return None


async def index_project(conn: asyncpg.Connection, project_id: str, bundle_id: str) -> None:
    """Index an archived project (in the archiving transaction); a repeat changes nothing."""
    await conn.execute(
        """INSERT INTO archive_index (project_id, bundle_id, archived_at, department, business_type, agent_id,
               agent_name, customer_user_id, body, grams)
           SELECT p.id, b.id, b.created_at, p.department, p.business_type, p.agent_id, p.agent_name,
                  p.customer_user_id, t.body, archive_grams(t.body)
           FROM projects p JOIN archive_bundles b ON b.project_id = p.id AND b.id = $2
           CROSS JOIN LATERAL (
               SELECT lower(concat_ws(E'\\n', p.requirement,
                            (SELECT string_agg(r.summary, E'\\n' ORDER BY r.submission)
                             FROM result_submissions r WHERE r.project_id = p.id))) AS body) t
           WHERE p.id = $1
           ON CONFLICT (project_id) DO NOTHING""",
        project_id, bundle_id,
    )  # fmt: skip


async def backfill_phone_index(db: Db, cipher: DataCipher, *, batch: int = 500) -> int:
    """Customers taken in before the blind index existed get theirs (decrypting each once)."""
    rows = await db.fetch("SELECT id, phone_enc FROM customers WHERE phone_index IS NULL AND disposed_at IS NULL "
                          "AND phone_enc IS NOT NULL AND length(phone_enc) > 0 LIMIT $1", batch)  # fmt: skip
    done = 0
    for r in rows:
        index = phone_index(cipher, cipher.decrypt(r["phone_enc"]))
        if index is not None:
            await db.execute("UPDATE customers SET phone_index = $2 WHERE id = $1", r["id"], index)
            done += 1
    return done


def parse_cursor(cursor: str) -> tuple[datetime, str]:
    at, sep, pid = cursor.partition("|")
    if not sep or not pid:
        raise ValueError("cursor is not <archived_at>|<project id> from next_cursor")
    when = datetime.fromisoformat(at)
    if when.tzinfo is None:
        raise ValueError("cursor time has no offset")
    return when, pid


async def search(db: Db, scope: Scope, *, q: str | None = None, phone: bytes | None = None,
                 agent: str | None = None, business_type: str | None = None, since: datetime | None = None,
                 until: datetime | None = None, after: tuple[datetime, str] | None = None,
                 limit: int = 20, phone_or_text: bool = False) -> ArchivePage:  # fmt: skip
    """Newest archived first; only the filters given are written into the SQL (each has its index)."""
    if scope.nothing:
        return ArchivePage(items=[])
    clauses: list[str] = []
    args: list[Any] = []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if scope.department is not None:
        clauses.append(f"a.department = {arg(scope.department)}")
    if scope.customer_user_id is not None:
        clauses.append(f"a.customer_user_id = {arg(scope.customer_user_id)}")
    text = (q or "").strip().lower()
    words = []
    if text:
        if len(text) > 1:
            words.append(f"a.grams @> archive_grams({arg(text)})")
        words += [f"strpos(a.body, {arg(term)}) > 0" for term in text.split()]
    by_phone = None
    if phone is not None:
        by_phone = f"""a.project_id IN (SELECT project_id FROM customers WHERE phone_index = {arg(phone)}
                       UNION SELECT l.project_id FROM customer_projects l JOIN customer_master m
                       ON m.id = l.customer_id WHERE m.phone_index = ${len(args)})"""
    if words and by_phone and phone_or_text:  # a number in the one box: the phone, or the text
        clauses.append(f"(({' AND '.join(words)}) OR {by_phone})")
    else:
        clauses += words + ([by_phone] if by_phone else [])
    if agent:
        clauses.append(f"(a.agent_id = {arg(agent)} OR a.agent_name = ${len(args)})")
    if business_type:
        clauses.append(f"a.business_type = {arg(business_type)}")
    if since is not None:
        clauses.append(f"a.archived_at >= {arg(since)}")
    if until is not None:
        clauses.append(f"a.archived_at < {arg(until)}")
    if after is not None:
        clauses.append(f"(a.archived_at, a.project_id) < ({arg(after[0])}, {arg(after[1])})")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = await db.fetch(
        f"""SELECT a.project_id, a.bundle_id, a.archived_at, a.department, a.business_type, a.agent_name,
                   left(coalesce(p.requirement, ''), 300) AS requirement
            FROM archive_index a JOIN projects p ON p.id = a.project_id{where}
            ORDER BY a.archived_at DESC, a.project_id DESC LIMIT {arg(limit)}""",
        *args,
    )  # fmt: skip
    items = [ArchiveHit(**dict(r)) for r in rows]
    cursor = f"{items[-1].archived_at.isoformat()}|{items[-1].project_id}" if len(items) == limit else None
    return ArchivePage(items=items, next_cursor=cursor)
