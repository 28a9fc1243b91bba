"""Changes to a customer of the master, each kept with who and when (customer_changes):
corrections, consents, shares, transfers between agents, follow-ups (pool and claim are
the customer's workflow's steps: activities/customers.py).
Personal values in the change log are encrypted like the record itself."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from domain.customers import Consent, ConsentIn
from store.crypto import DataCipher
from store.customer_master import ENCRYPTED, Db, blind, log_change
from store.users import User

INDEXED = {"phone": "phone_index", "email": "email_index"}


async def update_customer(conn: asyncpg.Connection, cipher: DataCipher, customer_id: str, changes: dict[str, Any],
                          by: User) -> bool:  # fmt: skip
    """Apply `changes`; False when the new phone is another customer's (nothing changed).
    The old and new values go to the change log encrypted."""
    old = await conn.fetchrow("SELECT * FROM customer_master WHERE id = $1 FOR UPDATE", customer_id)
    sets, args, before = [], [customer_id], {}
    for field, value in changes.items():
        if field in ENCRYPTED:
            before[field] = cipher.decrypt(old[f"{field}_enc"])
            args.append(cipher.encrypt(value))
            sets.append(f"{field}_enc = ${len(args)}")
            if field in INDEXED:
                args.append(blind(cipher, field, value))
                sets.append(f"{INDEXED[field]} = ${len(args)}")
        else:
            before[field] = old[field]
            args.append(value)
            sets.append(f"{field} = ${len(args)}")
    if not sets:
        return True
    try:
        async with conn.transaction():
            await conn.execute(f"UPDATE customer_master SET {', '.join(sets)}, updated_at = now() WHERE id = $1", *args)
    except asyncpg.UniqueViolationError:
        return False
    values = cipher.encrypt(json.dumps({"before": before, "after": changes}, default=str, ensure_ascii=False))
    await log_change(conn, customer_id, "updated", by.id, actor_name=by.name, actor_role=by.role.value,
                     fields=sorted(changes), values_enc=values)  # fmt: skip
    return True


class ChangeRecord(BaseModel):
    id: int = Field(description="Its place in the log (newer is larger)")
    at: datetime
    kind: str
    actor_name: str | None
    actor_role: str | None
    fields: list[str]
    data: dict[str, Any]


async def changes_of(db: Db, customer_id: str, limit: int = 200, before: int | None = None) -> list[ChangeRecord]:
    """Newest first, `limit` of them; `before`: only those older than that change (keyset)."""
    rows = await db.fetch("SELECT id, at, kind, actor_name, actor_role, fields, data FROM customer_changes "
                          "WHERE customer_id = $1 AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $2",
                          customer_id, limit, before)  # fmt: skip
    return [ChangeRecord(**{**dict(r), "fields": list(r["fields"]),
                            "data": json.loads(r["data"]) if isinstance(r["data"], str) else dict(r["data"])})
            for r in rows]  # fmt: skip


# --------------------------------------------------------------------------- consent and sharing


async def add_consent(db: Db, customer_id: str, body: ConsentIn, by: User, *,
                      attachment_ids: list[str] | None = None) -> str:  # fmt: skip
    """`attachment_ids`: the files then bound to the consent (store/consent_files.py `bind`)."""
    cid = "cs" + uuid.uuid4().hex[:14]
    await db.execute(
        """INSERT INTO customer_consents (id, customer_id, recipient, scope, nda_reference, signed_at, valid_until,
               attachment_id, attachment_ids, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
        cid, customer_id, body.recipient, body.scope, body.nda_reference, body.signed_at, body.valid_until,
        body.attachment_id, attachment_ids or [], by.id,
    )  # fmt: skip
    await log_change(db, customer_id, "consent", by.id, actor_name=by.name, actor_role=by.role.value,
                     data={"consent_id": cid, "recipient": body.recipient, "scope": body.scope,
                           "nda_reference": body.nda_reference, "attachment_ids": attachment_ids or []})
    return cid


async def consents_of(db: Db, customer_id: str) -> list[Consent]:
    rows = await db.fetch("SELECT id, recipient, scope, signed_at, valid_until, attachment_ids FROM customer_consents "
                          "WHERE customer_id = $1 ORDER BY signed_at", customer_id)  # fmt: skip
    return [Consent(id=r["id"], recipient=r["recipient"], scope=list(r["scope"]), signed_at=r["signed_at"],
                    valid_until=r["valid_until"], attachment_ids=list(r["attachment_ids"])) for r in rows]  # fmt: skip


async def record_share(db: Db, customer_id: str, consent_id: str, recipient: str, scope: str, comment: str,
                       by: User) -> int:  # fmt: skip
    share_id = await db.fetchval(
        """INSERT INTO customer_shares (customer_id, consent_id, recipient, scope, comment, shared_by)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""",
        customer_id, consent_id, recipient, scope, comment, by.id,
    )  # fmt: skip
    await log_change(db, customer_id, "shared", by.id, actor_name=by.name, actor_role=by.role.value,
                     data={"share_id": share_id, "consent_id": consent_id, "recipient": recipient, "scope": scope})
    return int(share_id)


class ShareRecord(BaseModel):
    """A share of the customer's data with a third party, under the consent that covered it."""

    id: int = Field(description="The share's id")
    recipient: str = Field(description="Who received the data")
    scope: str = Field(description="What was shared, e.g. contact")
    comment: str = Field(description="The sharer's note")
    shared_at: datetime = Field(description="When it was shared")
    shared_by: str | None = Field(description="User name of who shared it")
    consent_id: str = Field(description="The consent it was shared under")
    nda_reference: str = Field(description="The NDA with the recipient named in that consent")


async def shares_of(db: Db, customer_id: str, limit: int = 50) -> list[ShareRecord]:
    """The customer's shares, newest first, each with its consent's NDA (one statement)."""
    rows = await db.fetch(
        "SELECT s.id, s.recipient, s.scope, s.comment, s.shared_at, u.name AS shared_by, s.consent_id, "
        "c.nda_reference FROM customer_shares s JOIN customer_consents c ON c.id = s.consent_id "
        "LEFT JOIN users u ON u.id = s.shared_by WHERE s.customer_id = $1 ORDER BY s.shared_at DESC, s.id DESC "
        "LIMIT $2", customer_id, limit)  # fmt: skip
    return [ShareRecord(**dict(r)) for r in rows]


# --------------------------------------------------------------------------- owners


async def transfer(conn: asyncpg.Connection, *, from_id: str, to: User, customer_ids: list[str] | None,
                   reason: str, by: User) -> list[str]:  # fmt: skip
    """Move `from_id`'s customers (all, or those named) to `to`, each change logged and the
    new owner and the former one told. Customers named that `from_id` does not own are left alone."""
    rows = await conn.fetch(
        """UPDATE customer_master SET owner_id = $2, updated_at = now()
           WHERE owner_id = $1 AND ($3::text[] IS NULL OR id = ANY($3::text[])) RETURNING id""",
        from_id, to.id, customer_ids,
    )  # fmt: skip
    moved = sorted(r["id"] for r in rows)
    for cid in moved:
        await log_change(conn, cid, "owner_changed", by.id, actor_name=by.name, actor_role=by.role.value,
                         data={"from": from_id, "to": to.id, "reason": reason})  # fmt: skip
    if moved:
        key = uuid.uuid4().hex[:12]
        await notify(conn, f"transfer-{key}", "customer.transferred", "agent", to.id,
                     to.department, {"count": len(moved), "reason": reason}, path="/customers")  # fmt: skip
        await notify(conn, f"transfer-{key}-from", "customer.transferred_away", "agent", from_id, to.department,
                     {"count": len(moved), "reason": reason, "to": to.name}, path="/customers")  # fmt: skip
    return moved


async def notify(db: Db, notice_id: str, key: str, to_role: str, to_user_id: str | None, department: str | None,
                 params: dict[str, Any], *, path: str) -> None:  # fmt: skip
    """Queue a notification in the outbox (sent by the worker's outbox like a project's)."""
    await db.execute(
        """INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id, department, path)
           VALUES ($1, '', 0, 'info', $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING""",
        notice_id, key, params, to_role, to_user_id, department, path,
    )  # fmt: skip


# --------------------------------------------------------------------------- follow-ups


class FollowUpRecord(BaseModel):
    id: str
    way: str
    content: str | None
    happened_at: datetime
    recorded_at: datetime
    next_on: date | None
    grade: str | None
    by_name: str
    on_time: bool


async def add_follow_up(db: Db, cipher: DataCipher, customer_id: str, *, follow_up_id: str, way: str, content: str,
                        happened_at: datetime, next_on: date | None, grade: str | None, by: User,
                        on_time: bool) -> bool:  # fmt: skip
    """Idempotent by id (the request's): True when written now."""
    row = await db.fetchval(
        """INSERT INTO customer_follow_ups (id, customer_id, way, content_enc, happened_at, next_on, grade, by_id,
               by_name, on_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (id) DO NOTHING RETURNING id""",
        follow_up_id, customer_id, way, cipher.encrypt(content), happened_at, next_on, grade, by.id, by.name, on_time,
    )  # fmt: skip
    return row is not None


async def follow_ups_of(db: Db, cipher: DataCipher, customer_id: str, limit: int = 100) -> list[FollowUpRecord]:
    rows = await db.fetch("SELECT * FROM customer_follow_ups WHERE customer_id = $1 ORDER BY happened_at DESC "
                          "LIMIT $2", customer_id, limit)  # fmt: skip
    return [FollowUpRecord(id=r["id"], way=r["way"], content=cipher.decrypt(r["content_enc"]),
                           happened_at=r["happened_at"], recorded_at=r["recorded_at"], next_on=r["next_on"],
                           grade=r["grade"], by_name=r["by_name"], on_time=r["on_time"]) for r in rows]  # fmt: skip


class AgentFollowUps(BaseModel):
    agent_id: str
    agent: str
    department: str | None
    follow_ups: int
    on_time: int
    on_time_rate: float | None
    lost_to_pool: int


async def follow_up_figures(db: Db, *, since: date, until: date, tz: str,
                            department: str | None = None) -> list[AgentFollowUps]:  # fmt: skip
    """Per agent, of the local days [since, until]: follow-ups entered, those entered on time
    (004 第4篇 §3, §10), and customers lost to the pool for want of follow-up."""
    rows = await db.fetch(
        """WITH f AS (SELECT fu.by_id AS agent_id, count(*) AS n, count(*) FILTER (WHERE fu.on_time) AS ok
                      FROM customer_follow_ups fu JOIN customer_master c ON c.id = fu.customer_id
                      WHERE (fu.happened_at AT TIME ZONE $3)::date BETWEEN $1 AND $2
                        AND ($4::text IS NULL OR c.department = $4) GROUP BY fu.by_id),
                p AS (SELECT ch.data->>'owner_id' AS agent_id, count(*) AS n
                      FROM customer_changes ch JOIN customer_master c ON c.id = ch.customer_id
                      WHERE ch.kind = 'pooled' AND (ch.at AT TIME ZONE $3)::date BETWEEN $1 AND $2
                        AND ($4::text IS NULL OR c.department = $4) GROUP BY 1)
           SELECT u.id AS agent_id, u.name AS agent, u.department, coalesce(f.n, 0) AS follow_ups,
                  coalesce(f.ok, 0) AS on_time, coalesce(p.n, 0) AS lost_to_pool
           FROM users u LEFT JOIN f ON f.agent_id = u.id LEFT JOIN p ON p.agent_id = u.id
           WHERE f.agent_id IS NOT NULL OR p.agent_id IS NOT NULL ORDER BY u.department, u.name""",
        since, until, tz, department,
    )  # fmt: skip
    return [AgentFollowUps(**dict(r), on_time_rate=round(100 * r["on_time"] / r["follow_ups"], 1)
                           if r["follow_ups"] else None) for r in rows]  # fmt: skip
