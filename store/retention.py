"""Pruning operational rows by the policy's retention (domain/retention.py). Never `events`.

Each table is pruned in batches of `batch` rows, one short transaction each, oldest first,
through the indexes of migration 0400, so a first run on ten years of rows neither holds
locks long nor competes with the record activity for long.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from domain.retention import RetentionPolicy

# (what, statement): $1 the cut-off instant, $2 the batch size; each answers the rows deleted.
PRUNES = {
    "outbox_sent": """
        WITH gone AS (SELECT id FROM outbox WHERE sent_at < $1 ORDER BY sent_at LIMIT $2),
             d AS (DELETE FROM deliveries WHERE outbox_id IN (SELECT id FROM gone))
        DELETE FROM outbox WHERE id IN (SELECT id FROM gone)""",
    "outbox_failed": """
        WITH gone AS (SELECT id FROM outbox WHERE failed_at < $1 AND sent_at IS NULL ORDER BY failed_at LIMIT $2),
             d AS (DELETE FROM deliveries WHERE outbox_id IN (SELECT id FROM gone))
        DELETE FROM outbox WHERE id IN (SELECT id FROM gone)""",
    "idempotency_keys": """
        DELETE FROM idempotency_keys WHERE (user_id, key) IN (
            SELECT user_id, key FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2)""",
    "web_sessions": """
        DELETE FROM web_sessions WHERE id_hash IN (
            SELECT id_hash FROM web_sessions WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)""",
    "signin_links": """
        DELETE FROM signin_links WHERE code_hash IN (
            SELECT code_hash FROM signin_links WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)""",
    "signin_attempts": """
        DELETE FROM signin_attempts WHERE key IN (
            SELECT key FROM signin_attempts WHERE window_start < $1 ORDER BY window_start LIMIT $2)""",
    "notification_failures": """
        DELETE FROM notification_failures WHERE id IN (
            SELECT id FROM notification_failures WHERE at < $1 ORDER BY at LIMIT $2)""",
}


def cutoffs(policy: RetentionPolicy, now: datetime) -> dict[str, datetime]:
    days = {"outbox_sent": policy.outbox_sent_days, "outbox_failed": policy.outbox_failed_days,
            "idempotency_keys": policy.idempotency_days, "web_sessions": policy.sessions_days,
            "signin_links": policy.sessions_days, "signin_attempts": policy.sessions_days,
            "notification_failures": policy.notification_failures_days}
    return {what: now - timedelta(days=n) for what, n in days.items()}  # fmt: skip


async def prune(pool: asyncpg.Pool, policy: RetentionPolicy, now: datetime, *,
                max_batches: int = 1000) -> dict[str, int]:
    """Delete what the policy no longer keeps; answers the rows deleted per table."""
    deleted: dict[str, int] = {}
    for what, cutoff in cutoffs(policy, now).items():
        total = 0
        for _ in range(max_batches):
            status = await pool.execute(PRUNES[what], cutoff, policy.batch)
            n = int(status.split()[-1])
            total += n
            if n < policy.batch:
                break
        deleted[what] = total
    return deleted
