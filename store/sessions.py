"""Web workspace sign-in: one-time links and server-side sessions, stored hashed.

A sign-in link carries a random code; only its SHA-256 is stored, it expires, and it is
consumed atomically (a replay finds it used). A session id lives in an HttpOnly cookie;
the table holds its SHA-256, so a leaked table signs nobody in. Sessions of a deactivated
user stop working at once (the lookup joins `users`). A session renews while used: each
use moves its end to now + its idle time, never past its hard end ("stay signed in on this
device": up to 30 days). Its owner lists and ends their sessions; operations end them all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import asyncpg
from pydantic import BaseModel, Field

from store.users import User

Db = asyncpg.Pool | asyncpg.Connection


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_signin_link(db: Db, user_id: str, ttl: timedelta) -> str:
    """A fresh single-use code for `user_id`, valid for `ttl`."""
    code = secrets.token_urlsafe(32)
    await db.execute("INSERT INTO signin_links (code_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                     _hash(code), user_id, datetime.now(UTC) + ttl)
    return code


async def consume_signin_link(db: Db, code: str) -> str | None:
    """The user id of a valid, unused, unexpired code, marking it used; None otherwise."""
    if not code or len(code) > 200:
        return None
    return await db.fetchval(
        """UPDATE signin_links l SET used_at = now()
           FROM users u
           WHERE l.code_hash = $1 AND l.used_at IS NULL AND l.expires_at > now()
             AND u.id = l.user_id AND u.deactivated_at IS NULL
           RETURNING l.user_id""",
        _hash(code),
    )


async def start_session(db: Db, user_id: str, idle: timedelta, *, hard: timedelta | None = None,
                        remember: bool = False, device: str = "") -> str:
    """A new session for `user_id`, idle for at most `idle` and ending after `hard` at the
    latest (default: `idle`); returns the id for the cookie (only its hash is kept)."""
    session_id = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    hard = max(hard or idle, idle)
    await db.execute(
        """INSERT INTO web_sessions (id_hash, user_id, expires_at, idle, hard_expires_at, remember, device)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        _hash(session_id), user_id, now + idle, idle, now + hard, remember, device[:200],
    )
    return session_id


async def session_user(db: Db, session_id: str) -> User | None:
    """The active user of a live session, or None (unknown, ended, expired, deactivated)."""
    if not session_id or len(session_id) > 200:
        return None
    row = await db.fetchrow(
        """UPDATE web_sessions s SET last_seen_at = now(), expires_at = least(now() + s.idle, s.hard_expires_at)
           FROM users u
           WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now()
             AND u.id = s.user_id AND u.deactivated_at IS NULL
           RETURNING u.id, u.name, u.role, u.department""",
        _hash(session_id),
    )
    return None if row is None else User(**dict(row))


async def end_session(db: Db, session_id: str) -> None:
    await db.execute("UPDATE web_sessions SET ended_at = now(), ended_by = 'self' "
                     "WHERE id_hash = $1 AND ended_at IS NULL", _hash(session_id))


class Device(BaseModel):
    """One live session of a person, as they see it in 登录设备."""

    ref: str = Field(description="Opaque handle to end this session (a prefix of its hash)")
    device: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    remember: bool
    current: bool


async def live_sessions(db: Db, user_id: str, current_id: str = "") -> list[Device]:
    rows = await db.fetch(
        """SELECT id_hash, device, created_at, last_seen_at, expires_at, remember FROM web_sessions
           WHERE user_id = $1 AND ended_at IS NULL AND expires_at > now()
           ORDER BY last_seen_at DESC LIMIT 50""", user_id)
    mine = _hash(current_id) if current_id else ""
    return [Device(ref=r["id_hash"][:16], device=r["device"], created_at=r["created_at"],
                   last_seen_at=r["last_seen_at"], expires_at=r["expires_at"], remember=r["remember"],
                   current=r["id_hash"] == mine) for r in rows]  # fmt: skip


async def end_device(db: Db, user_id: str, ref: str) -> bool:
    """End one of the user's own sessions, named by its handle."""
    if not ref or len(ref) != 16:
        return False
    done = await db.execute(
        "UPDATE web_sessions SET ended_at = now(), ended_by = 'self' WHERE user_id = $1 AND ended_at IS NULL "
        "AND left(id_hash, 16) = $2", user_id, ref)
    return done != "UPDATE 0"


async def end_all_sessions(db: Db, user_id: str, *, by: str, keep: str = "") -> int:
    """End every live session of the user (but `keep`, the one asking); how many ended."""
    done = await db.execute(
        "UPDATE web_sessions SET ended_at = now(), ended_by = $2 WHERE user_id = $1 AND ended_at IS NULL "
        "AND id_hash <> $3", user_id, by, _hash(keep) if keep else "")
    return int(done.split()[-1])


def csrf_token(session_id: str) -> str:
    """The CSRF token of a session: derived from its id, so nothing more is stored, and
    it does not reveal the id."""
    return hmac.new(session_id.encode(), b"jindu-csrf", hashlib.sha256).hexdigest()
