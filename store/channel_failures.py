"""Failed channel sends, kept for /metrics (`jindu_notification_failures_total`) and for the
通知记录 page: one row per failed attempt, with the platform's error code when it gave one."""

from __future__ import annotations

import asyncpg


async def record_failure(db: asyncpg.Pool | asyncpg.Connection, *, channel: str, step_key: str | None,
                         project_id: str | None, error: str, delivery: str | None = None,
                         errcode: str | None = None) -> None:  # fmt: skip
    await db.execute("INSERT INTO notification_failures (channel, step_key, project_id, error, delivery, errcode) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     channel, step_key, project_id, error[:1000], delivery, errcode)  # fmt: skip
