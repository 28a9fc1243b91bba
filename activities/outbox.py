"""The outbox dispatcher: sends the notifications the `record` activity queued in the same
transaction as their steps, so a notification is never lost with a step nor sent for a
step that was not recorded. Runs beside the worker (one per worker process; rows are
claimed with SKIP LOCKED). Each channel sends a message once (`deliveries`); a failed
send is retried with backoff, up to `max_attempts`, then marked failed.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from activities.notifier import Notifier, OutgoingMessage
from domain.models import Role
from jindu.i18n import t
from store.recipients import recipients

log = structlog.get_logger(__name__)

CLAIM = """
UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + interval '2 minutes'
WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
             ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING *
"""


def render_params(params: dict[str, Any], lang: str, tz: ZoneInfo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key.endswith("_at") and isinstance(value, str):
            value = datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        elif key == "gate" and value:
            value = t(f"gate.{value}", lang)
        elif key == "what" and value:
            value = t(f"what.{value}", lang)
        elif isinstance(value, list):
            value = "；".join(map(str, value))
        out[key] = "" if value is None else value
    return out


def render(row: dict[str, Any], lang: str, tz: ZoneInfo, public_url: str) -> tuple[str, str, str]:
    link = f"{public_url.rstrip('/')}/projects/{row['project_id']}"
    params = render_params(row["params"], lang, tz) | {"link": link}
    params.setdefault("project_id", row["project_id"])
    key = row["key"]
    return t(f"{key}.subject", lang, **params), t(f"{key}.text", lang, **params), link


class Outbox:
    def __init__(self, pool: asyncpg.Pool, notifier: Notifier, *, tz: ZoneInfo, public_url: str,
                 batch: int = 20, poll_seconds: float = 2.0, max_attempts: int = 12) -> None:  # fmt: skip
        self.pool, self.notifier, self.tz, self.public_url = pool, notifier, tz, public_url
        self.batch, self.poll_seconds, self.max_attempts = batch, poll_seconds, max_attempts
        self._wake = asyncio.Event()
        self.failures = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.drain()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
                log.warning("outbox unavailable, retrying", error=str(err))
            self._wake.clear()
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(waits, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            for w in waits:
                w.cancel()

    async def drain(self) -> int:
        """Send everything due now; return how many messages were handled."""
        handled = 0
        while rows := await self.pool.fetch(CLAIM, self.batch):
            for row in rows:
                await self._deliver(dict(row))
            handled += len(rows)
        return handled

    async def _deliver(self, row: dict[str, Any]) -> None:
        try:
            names = await recipients(self.pool, to_role=Role(row["to_role"]), to_user_id=row["to_user_id"],
                                     department=row["department"])  # fmt: skip
            subject, text, link = render(row, "zh", self.tz, self.public_url)
            message = OutgoingMessage(id=row["id"], project_id=row["project_id"], kind=row["kind"],
                                      to_role=row["to_role"], to_user_id=row["to_user_id"],
                                      department=row["department"], subject=subject, text=text, link=link,
                                      recipients=names)  # fmt: skip
            done = {r["channel"] for r in await self.pool.fetch(
                "SELECT channel FROM deliveries WHERE outbox_id = $1", row["id"])}  # fmt: skip
            for channel in self.notifier.channels:
                if channel.name not in done:
                    await channel.send(message)
                    await self.pool.execute("INSERT INTO deliveries (outbox_id, channel) VALUES ($1, $2) "
                                            "ON CONFLICT DO NOTHING", row["id"], channel.name)  # fmt: skip
            await self.pool.execute("UPDATE outbox SET sent_at = now(), last_error = NULL WHERE id = $1", row["id"])
        except Exception as err:  # a channel failed: retry later, give up after max_attempts
            self.failures += 1
            gave_up = row["attempts"] >= self.max_attempts
            log.warning("notification failed", id=row["id"], attempt=row["attempts"], gave_up=gave_up, error=str(err))
            await self.pool.execute(
                """UPDATE outbox SET last_error = $2, failed_at = CASE WHEN $3 THEN now() END,
                       next_attempt_at = now() + make_interval(secs => least(2 ^ attempts, 900))
                   WHERE id = $1""",
                row["id"], str(err)[:500], gave_up,
            )  # fmt: skip
