"""Failed channel sends, kept for /metrics (`jindu_notification_failures_total`)."""

from __future__ import annotations

import asyncpg


async def record_failure(db: asyncpg.Pool | asyncpg.Connection, *, channel: str, step_key: str | None,
                         project_id: str | None, error: str) -> None:
    await db.execute("INSERT INTO notification_failures (channel, step_key, project_id, error) VALUES ($1, $2, $3, $4)",
                     channel, step_key, project_id, error[:1000])
