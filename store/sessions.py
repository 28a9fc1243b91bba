"""Web workspace sign-in: one-time links and server-side sessions, stored hashed.

A sign-in link carries a random code; only its SHA-256 is stored, it expires, and it is
consumed atomically (a replay finds it used). A session id lives in an HttpOnly cookie;
the table holds its SHA-256, so a leaked table signs nobody in. Sessions of a deactivated
user stop working at once (the lookup joins `users`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import asyncpg

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


async def start_session(db: Db, user_id: str, ttl: timedelta) -> str:
    """A new session for `user_id`; returns the id for the cookie (only its hash is kept)."""
    session_id = secrets.token_urlsafe(32)
    await db.execute("INSERT INTO web_sessions (id_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                     _hash(session_id), user_id, datetime.now(UTC) + ttl)
    return session_id


async def session_user(db: Db, session_id: str) -> User | None:
    """The active user of a live session, or None (unknown, ended, expired, deactivated)."""
    if not session_id or len(session_id) > 200:
        return None
    row = await db.fetchrow(
        """UPDATE web_sessions s SET last_seen_at = now()
           FROM users u
           WHERE s.id_hash = $1 AND s.ended_at IS NULL AND s.expires_at > now()
             AND u.id = s.user_id AND u.deactivated_at IS NULL
           RETURNING u.id, u.name, u.role, u.department""",
        _hash(session_id),
    )
    return None if row is None else User(**dict(row))


async def end_session(db: Db, session_id: str) -> None:
    await db.execute("UPDATE web_sessions SET ended_at = now() WHERE id_hash = $1 AND ended_at IS NULL",
                     _hash(session_id))


def csrf_token(session_id: str) -> str:
    """The CSRF token of a session: derived from its id, so nothing more is stored, and
    it does not reveal the id."""
    return hmac.new(session_id.encode(), b"jindu-csrf", hashlib.sha256).hexdigest()
