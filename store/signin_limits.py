"""Sign-in attempts, limited in PostgreSQL so the limit holds across every process.

Fixed windows, one row per key: an address ('addr:<client ip>'), what the person typed
('who:<hash>') or an account ('user:<id>'). One upsert per attempt, whatever the table's
size; a key over its limit is refused until its window ends (429 with Retry-After). Asking
for a link counts every request; a token or a link counts only when it fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import asyncpg

Db = asyncpg.Pool | asyncpg.Connection


@dataclass(frozen=True)
class Limit:
    attempts: int
    window_seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends; 0 when allowed


async def count_attempt(db: Db, key: str, limit: Limit) -> Verdict:
    """Count one attempt on `key`; refused once the window holds more than `limit.attempts`."""
    row = await db.fetchrow(
        """INSERT INTO signin_attempts AS a (key, window_start, attempts) VALUES ($1, now(), 1)
           ON CONFLICT (key) DO UPDATE SET
             window_start = CASE WHEN a.window_start + make_interval(secs => $2) <= now()
                                 THEN now() ELSE a.window_start END,
             attempts = CASE WHEN a.window_start + make_interval(secs => $2) <= now()
                             THEN 1 ELSE a.attempts + 1 END
           RETURNING attempts,
                     extract(epoch FROM window_start + make_interval(secs => $2) - now()) AS left""",
        key[:300], float(limit.window_seconds),
    )
    if row["attempts"] <= limit.attempts:
        return Verdict(True, 0)
    return Verdict(False, max(1, math.ceil(float(row["left"]))))


async def first_refusal(db: Db, keys: list[tuple[str, Limit]]) -> Verdict:
    """Count the attempt on every key; the longest wait among those refused, else allowed."""
    refused = [v for v in [await count_attempt(db, key, limit) for key, limit in keys] if not v.allowed]
    return max(refused, key=lambda v: v.retry_after) if refused else Verdict(True, 0)


async def already_refused(db: Db, keys: list[tuple[str, Limit]]) -> Verdict:
    """Whether a key has used up its window, without counting (a sign-in that counts only
    when it fails looks first); one statement."""
    row = await db.fetchrow(
        """SELECT max(ceil(extract(epoch FROM a.window_start + make_interval(secs => k.secs) - now()))) AS left
           FROM signin_attempts a JOIN unnest($1::text[], $2::int[], $3::float8[]) AS k(key, most, secs)
             ON a.key = k.key
           WHERE a.attempts >= k.most AND a.window_start + make_interval(secs => k.secs) > now()""",
        [k[:300] for k, _ in keys], [lim.attempts for _, lim in keys], [float(lim.window_seconds) for _, lim in keys],
    )
    left = row["left"] if row is not None else None
    return Verdict(True, 0) if left is None else Verdict(False, max(1, int(left)))
