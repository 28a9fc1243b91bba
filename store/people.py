"""Operator actions on users (issue 8, safe operator actions): list, deactivate, reactivate,
rotate a token. Each is one transaction that also appends to `user_events`: who did it,
when, what, and on behalf of whom.

A deactivated user's token stops working (store.users.user_by_token), their web sessions
end and their unused sign-in links expire; rotating a token ends their sessions too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from pydantic import BaseModel, Field

from domain.errors import AlreadyDecided, NotFound
from domain.models import Role
from store.users import token_hash

Db = asyncpg.Pool | asyncpg.Connection


@dataclass(frozen=True)
class By:
    """Who acts: a signed-in operator (`user_id`) or the command line (`user_id` None)."""

    name: str
    user_id: str | None = None
    on_behalf_of: str | None = None


class PersonRecord(BaseModel):
    id: str
    name: str
    role: Role
    department: str | None = None
    active: bool
    deactivated_at: datetime | None = None
    created_at: datetime
    channels: list[str] = Field(default_factory=list, description="Preferred notification channels")
    has_mobile: bool = Field(description="A mobile number is on file (never shown)")
    has_email: bool = Field(description="An e-mail address is on file (never shown)")
    lang: str = "zh"


class UserEvent(BaseModel):
    id: int
    user_id: str
    kind: str
    at: datetime
    by_user_id: str | None = None
    by_name: str
    on_behalf_of_user_id: str | None = None
    reason: str = ""


_PERSON = """SELECT id, name, role, department, deactivated_at IS NULL AS active, deactivated_at, created_at,
                    channels, mobile_enc IS NOT NULL AS has_mobile, email_enc IS NOT NULL AS has_email, lang
             FROM users"""


def _person(row: asyncpg.Record) -> PersonRecord:
    return PersonRecord(**{**dict(row), "channels": list(row["channels"] or [])})


async def list_people(db: Db, *, role: str | None = None, active: bool | None = None, department: str | None = None,
                      limit: int = 50, offset: int = 0) -> tuple[list[PersonRecord], int]:
    where = (" WHERE ($1::text IS NULL OR role = $1) AND ($2::boolean IS NULL OR (deactivated_at IS NULL) = $2)"
             " AND ($3::text IS NULL OR department = $3)")
    total = await db.fetchval("SELECT count(*) FROM users" + where, role, active, department)
    rows = await db.fetch(_PERSON + where + " ORDER BY name LIMIT $4 OFFSET $5", role, active, department, limit,
                          offset)  # fmt: skip
    return [_person(r) for r in rows], total


async def person(db: Db, user_id: str) -> PersonRecord | None:
    row = await db.fetchrow(_PERSON + " WHERE id = $1", user_id)
    return None if row is None else _person(row)


async def person_by_name(db: Db, name: str) -> PersonRecord | None:
    row = await db.fetchrow(_PERSON + " WHERE name = $1", name)
    return None if row is None else _person(row)


async def record_user_event(db: Db, user_id: str, kind: str, by: By, reason: str = "") -> None:
    await db.execute(
        """INSERT INTO user_events (user_id, kind, by_user_id, by_name, on_behalf_of_user_id, reason)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        user_id, kind, by.user_id, by.name, by.on_behalf_of, reason,
    )


async def _end_sessions(conn: asyncpg.Connection, user_id: str) -> None:
    await conn.execute("UPDATE web_sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL", user_id)


async def deactivate(pool: asyncpg.Pool, user_id: str, by: By, reason: str = "") -> PersonRecord:
    return await _set_active(pool, user_id, by, reason, active=False)


async def reactivate(pool: asyncpg.Pool, user_id: str, by: By, reason: str = "") -> PersonRecord:
    """Their token works again; sessions ended by the deactivation stay ended."""
    return await _set_active(pool, user_id, by, reason, active=True)


async def _set_active(pool: asyncpg.Pool, user_id: str, by: By, reason: str, *, active: bool) -> PersonRecord:
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "UPDATE users SET deactivated_at = CASE WHEN $2 THEN NULL ELSE now() END "
            "WHERE id = $1 AND (deactivated_at IS NULL) <> $2 RETURNING id", user_id, active)
        if row is None:
            await _must_exist(conn, user_id)
            state = "active" if active else "deactivated"
            raise AlreadyDecided(f"user {user_id} is already {state}", "user_already", user=user_id, state=state)
        if not active:
            await _end_sessions(conn, user_id)
            await conn.execute("UPDATE signin_links SET expires_at = now() WHERE user_id = $1 AND used_at IS NULL "
                               "AND expires_at > now()", user_id)
        await record_user_event(conn, user_id, "reactivated" if active else "deactivated", by, reason)
        return await person(conn, user_id)


async def rotate_token(pool: asyncpg.Pool, user_id: str, by: By, reason: str = "") -> tuple[PersonRecord, str]:
    """A new token replaces the old one (which stops working at once); shown once."""
    token = secrets.token_urlsafe(32)
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow("UPDATE users SET token_hash = $2 WHERE id = $1 RETURNING id", user_id,
                                  token_hash(token))
        if row is None:
            raise NotFound(f"no user {user_id}", "no_user", user=user_id)
        await _end_sessions(conn, user_id)
        await record_user_event(conn, user_id, "token_rotated", by, reason)
        return await person(conn, user_id), token


async def user_events(db: Db, user_id: str, limit: int = 100) -> list[UserEvent]:
    rows = await db.fetch("SELECT * FROM user_events WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
                          user_id, limit)
    return [UserEvent(**dict(r)) for r in rows]


async def _must_exist(conn: asyncpg.Connection, user_id: str) -> None:
    if not await conn.fetchval("SELECT 1 FROM users WHERE id = $1", user_id):
        raise NotFound(f"no user {user_id}", "no_user", user=user_id)
