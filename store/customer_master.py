"""The customer master: one encrypted record per customer, found by exact phone or e-mail
through a keyed HMAC blind index (never by decrypting the table), listed by keyset.

Changes, consents, shares, transfers and follow-ups: store/customer_changes.py.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from domain.customers import CustomerAccess, CustomerCreateIn
from store.crypto import DataCipher

Db = asyncpg.Connection | asyncpg.Pool
ENCRYPTED = ("name", "phone", "email", "company", "business_scope", "notes")
COLUMNS = ("id, department, owner_id, (SELECT name FROM users u WHERE u.id = c.owner_id) AS owner, grade, source, "
           "name_enc, phone_enc, email_enc, company_enc, business_scope_enc, notes_enc, user_id, created_at, "
           "updated_at, pooled_at, last_follow_up_at, next_follow_up_at, follow_up_stage")  # fmt: skip


def blind(cipher: DataCipher, kind: str, value: str | None) -> bytes | None:
    """The blind index of a normalised phone or e-mail: equal values, equal index; nothing
    about the value without the key."""
    if value is None:
        return None
    return hmac.new(cipher.blind_key, f"{kind}:{value}".encode(), hashlib.sha256).digest()


class Customer(BaseModel):
    """A customer as the API shows it: personal fields decrypted for one who may see them."""

    id: str
    department: str
    owner_id: str | None
    owner: str | None
    grade: str
    source: str
    name: str | None
    phone: str | None
    email: str | None
    company: str | None
    business_scope: str | None
    notes: str | None
    user_id: str | None
    pooled: bool
    created_at: datetime
    updated_at: datetime
    last_follow_up_at: datetime | None
    next_follow_up_at: datetime | None
    follow_up_stage: str | None

    def access(self) -> CustomerAccess:
        return CustomerAccess(owner_id=self.owner_id, department=self.department, user_id=self.user_id)


class CustomerPage(BaseModel):
    items: list[Customer]
    next_cursor: str | None


def customer_of(row: asyncpg.Record, cipher: DataCipher) -> Customer:
    plain = {f: cipher.decrypt(row[f"{f}_enc"]) for f in ENCRYPTED}
    return Customer(**plain, id=row["id"], department=row["department"], owner_id=row["owner_id"],
                    owner=row["owner"], grade=row["grade"], source=row["source"], user_id=row["user_id"],
                    pooled=row["owner_id"] is None, created_at=row["created_at"], updated_at=row["updated_at"],
                    last_follow_up_at=row["last_follow_up_at"], next_follow_up_at=row["next_follow_up_at"],
                    follow_up_stage=row["follow_up_stage"])  # fmt: skip


class Existing(BaseModel):
    id: str
    department: str
    owner_id: str | None
    owner: str | None


async def find_by_contact(db: Db, cipher: DataCipher, *, phone: str | None, email: str | None) -> Existing | None:
    """The customer with this exact (normalised) phone, else this e-mail."""
    for column, kind, value in (("phone_index", "phone", phone), ("email_index", "email", email)):
        if value is None:
            continue
        row = await db.fetchrow(
            f"SELECT id, department, owner_id, (SELECT name FROM users u WHERE u.id = c.owner_id) AS owner "
            f"FROM customer_master c WHERE {column} = $1 ORDER BY created_at LIMIT 1",
            blind(cipher, kind, value),
        )
        if row is not None:
            return Existing(**dict(row))
    return None


async def insert_customer(conn: asyncpg.Connection, cipher: DataCipher, body: CustomerCreateIn, *, department: str,
                          owner_id: str, by: str, user_id: str | None = None,
                          customer_id: str | None = None) -> str | None:  # fmt: skip
    """The new customer's id, or None when the phone is already someone's (the unique blind
    index decides, also between two registrations racing)."""
    cid = customer_id or "c" + uuid.uuid4().hex[:15]
    enc = {f: cipher.encrypt(getattr(body, f)) for f in ENCRYPTED}
    row = await conn.fetchval(
        """INSERT INTO customer_master (id, department, owner_id, grade, source, name_enc, phone_enc, email_enc,
               company_enc, business_scope_enc, notes_enc, phone_index, email_index, user_id, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT DO NOTHING RETURNING id""",
        cid, department, owner_id, body.grade.value, body.source.value, enc["name"], enc["phone"], enc["email"],
        enc["company"], enc["business_scope"], enc["notes"], blind(cipher, "phone", body.phone),
        blind(cipher, "email", body.email), user_id, by,
    )  # fmt: skip
    if row is None:
        return None
    await log_change(conn, cid, "created", by, data={"owner_id": owner_id, "source": body.source.value,
                                                     "grade": body.grade.value})  # fmt: skip
    return str(row)


async def log_change(conn: Db, customer_id: str, kind: str, actor_id: str | None, *, actor_name: str | None = None,
                     actor_role: str | None = None, fields: list[str] | None = None, values_enc: bytes | None = None,
                     data: dict[str, Any] | None = None, step_key: str | None = None) -> None:  # fmt: skip
    await conn.execute(
        """INSERT INTO customer_changes (customer_id, step_key, kind, actor_id, actor_name, actor_role, fields,
               values_enc, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (step_key) DO NOTHING""",
        customer_id, step_key, kind, actor_id, actor_name, actor_role, fields or [], values_enc,
        data or {},
    )  # fmt: skip


async def read_customer(db: Db, customer_id: str, cipher: DataCipher) -> Customer | None:
    row = await db.fetchrow(f"SELECT {COLUMNS} FROM customer_master c WHERE id = $1", customer_id)
    return None if row is None else customer_of(row, cipher)


async def on_duty_agents(db: Db, department: str) -> list[str]:
    """The department's agents who may be given customers: the active ones."""
    rows = await db.fetch("SELECT id FROM users WHERE role = 'agent' AND department = $1 AND deactivated_at IS NULL "
                          "ORDER BY id", department)  # fmt: skip
    return [r["id"] for r in rows]


async def last_in_rotation(conn: asyncpg.Connection, department: str) -> str | None:
    """Locks the department's rotation until the transaction ends: two walk-ins at once go
    to two agents."""
    await conn.execute("INSERT INTO customer_rotation (department, last_agent_id) VALUES ($1, '') "
                       "ON CONFLICT DO NOTHING", department)  # fmt: skip
    last = await conn.fetchval("SELECT last_agent_id FROM customer_rotation WHERE department = $1 FOR UPDATE",
                               department)  # fmt: skip
    return last or None


async def advance_rotation(conn: asyncpg.Connection, department: str, agent_id: str) -> None:
    await conn.execute("UPDATE customer_rotation SET last_agent_id = $2 WHERE department = $1", department, agent_id)


def page_cursor(c: Customer) -> str:
    return f"{c.updated_at.isoformat()}|{c.id}"


async def list_customers(db: Db, cipher: DataCipher, *, owner_id: str | None = None, department: str | None = None,
                         own_or_pool: tuple[str, str] | None = None, grade: str | None = None,
                         contact: bytes | None = None, due_by: datetime | None = None, pooled: bool | None = None,
                         after: tuple[datetime, str] | None = None, limit: int = 20) -> CustomerPage:  # fmt: skip
    """Most recently changed first, paged by keyset (updated_at, id); only the page is decrypted."""
    where, args = [], []

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if owner_id is not None:
        where.append(f"owner_id = {arg(owner_id)}")
    if department is not None:
        where.append(f"department = {arg(department)}")
    if own_or_pool is not None:
        me, dept = own_or_pool
        where.append(f"(owner_id = {arg(me)} OR (owner_id IS NULL AND department = {arg(dept)}))")
    if grade is not None:
        where.append(f"grade = {arg(grade)}")
    if contact is not None:
        where.append(f"(phone_index = {arg(contact)} OR email_index = ${len(args)})")
    if due_by is not None:
        where.append(f"next_follow_up_at <= {arg(due_by)} AND owner_id IS NOT NULL")
    if pooled is not None:
        where.append("owner_id IS NULL" if pooled else "owner_id IS NOT NULL")
    if after is not None:
        where.append(f"(updated_at, id) < ({arg(after[0])}, {arg(after[1])})")
    sql = (f"SELECT {COLUMNS} FROM customer_master c {'WHERE ' + ' AND '.join(where) if where else ''} "
           f"ORDER BY updated_at DESC, id DESC LIMIT {arg(limit + 1)}")  # fmt: skip
    rows = await db.fetch(sql, *args)
    items = [customer_of(r, cipher) for r in rows[:limit]]
    return CustomerPage(items=items, next_cursor=page_cursor(items[-1]) if len(rows) > limit else None)


async def link_project(db: Db, project_id: str, customer_id: str) -> None:
    await db.execute("INSERT INTO customer_projects (project_id, customer_id) VALUES ($1, $2) "
                     "ON CONFLICT (project_id) DO NOTHING", project_id, customer_id)  # fmt: skip


# The inbox's follow-ups (kind `follow_up`, store/inbox.py): the owner's customers due within
# a day or awaiting their first response (stage `first_response`, whenever due), and for the
# dept head those escalated in the department. $1 user id, $2 role, $3 department.
FOLLOW_UP_INBOX_SQL = """
SELECT c.id, 'follow_up' AS kind, NULL AS project_id, NULL AS complaint_id, c.next_follow_up_at AS due_at,
       c.follow_up_stage IN ('reminded', 'escalated') AS overdue, '' AS description, NULL AS gate,
       'follow_up' AS pending
FROM customer_master c
WHERE c.next_follow_up_at IS NOT NULL
  AND (c.next_follow_up_at < now() + interval '1 day' OR c.follow_up_stage = 'first_response')
  AND (c.owner_id = $1::text
       OR $2::text = 'dept_head' AND c.department = $3::text AND c.follow_up_stage = 'escalated')
"""
