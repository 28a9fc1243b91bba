"""Action links (issue 17): a button in a message opens a confirmation page for exactly one
action. The token travels only in the message; PostgreSQL keeps its SHA-256. A link is bound
to the people the notification was for (the page asks anyone else to sign in as one of them),
works once (using one link of a notification spends them all: the item is decided) and expires."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg
from pydantic import BaseModel

TTL = timedelta(days=3)
ACTIONS = ("approve", "reject")


class Wanted(BaseModel):
    """A link to issue: for a project's `gate`, or for a process's node (`process_id`, the node id in `gate`)."""

    outbox_id: str
    project_id: str | None
    process_id: str | None = None
    action: str
    gate: str
    user_ids: list[str]


class ActionLink(Wanted):
    """A link issued: until when it works, and who used it."""

    expires_at: datetime
    used_at: datetime | None
    used_by: str | None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_all(db: asyncpg.Pool | asyncpg.Connection, wanted: Sequence[Wanted], ttl: timedelta = TTL) -> list[str]:
    """New links' tokens (shown once, in the messages), in the order wanted: the buttons of a whole
    batch of notifications in one statement (issue 16)."""
    if unknown := {w.action for w in wanted} - set(ACTIONS):
        raise ValueError(f"unknown action {sorted(unknown)[0]!r}")
    if not wanted:
        return []
    tokens = [secrets.token_urlsafe(32) for _ in wanted]
    await db.execute(
        """INSERT INTO action_links (token_hash, outbox_id, project_id, process_id, action, gate, user_ids, expires_at)
           SELECT l.token_hash, l.outbox_id, l.project_id, l.process_id, l.action, l.gate,
                  ARRAY(SELECT jsonb_array_elements_text($7::jsonb -> (l.n::int - 1))), now() + $8::interval
           FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
                AS l(token_hash, outbox_id, project_id, process_id, action, gate, n)""",
        [digest(t) for t in tokens], [w.outbox_id for w in wanted], [w.project_id for w in wanted],
        [w.process_id for w in wanted], [w.action for w in wanted], [w.gate for w in wanted],
        [w.user_ids for w in wanted], ttl)  # fmt: skip
    return tokens


async def issue(db: asyncpg.Pool | asyncpg.Connection, *, outbox_id: str, project_id: str | None, action: str,
                gate: str, user_ids: list[str], ttl: timedelta = TTL,
                process_id: str | None = None) -> str:  # fmt: skip
    """A new link's token (shown once, in the message); for a project or, with `process_id`, a process."""
    [token] = await issue_all(db, [Wanted(outbox_id=outbox_id, project_id=project_id, process_id=process_id,
                                          action=action, gate=gate, user_ids=user_ids)], ttl)  # fmt: skip
    return token


async def find(db: asyncpg.Pool | asyncpg.Connection, token: str) -> ActionLink | None:
    if not token or len(token) > 100:
        return None
    row = await db.fetchrow("SELECT * FROM action_links WHERE token_hash = $1", digest(token))
    return ActionLink(**{k: row[k] for k in ActionLink.model_fields}) if row else None


async def spend(db: asyncpg.Pool | asyncpg.Connection, token: str, user_id: str) -> ActionLink | None:
    """Use the link (and every link of its notification) once, by one of its addressees; None when
    it is unknown, used, expired or not theirs."""
    row = await db.fetchrow(
        """WITH used AS (
               UPDATE action_links SET used_at = now(), used_by = $2
               WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND $2 = ANY(user_ids)
               RETURNING *)
           SELECT * FROM used""", digest(token), user_id)  # fmt: skip
    if row is None:
        return None
    await db.execute("UPDATE action_links SET used_at = now(), used_by = $2 WHERE outbox_id = $1 AND used_at IS NULL",
                     row["outbox_id"], user_id)  # fmt: skip
    return ActionLink(**{k: row[k] for k in ActionLink.model_fields})


async def restore(db: asyncpg.Pool | asyncpg.Connection, token: str) -> None:
    """The action could not be sent (Temporal unreachable): the links of the notification work again."""
    outbox_id = await db.fetchval("SELECT outbox_id FROM action_links WHERE token_hash = $1", digest(token))
    await db.execute("UPDATE action_links SET used_at = NULL, used_by = NULL "
                     "WHERE outbox_id = $1 AND expires_at > now()", outbox_id)  # fmt: skip


async def purge(db: asyncpg.Pool | asyncpg.Connection, keep: timedelta = timedelta(days=30)) -> int:
    """Forget links expired for longer than `keep` (a used or expired link only ever answers 410)."""
    done = await db.execute("DELETE FROM action_links WHERE expires_at < now() - $1::interval", keep)
    return int(done.split()[-1])
