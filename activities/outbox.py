"""The outbox dispatcher: sends the notifications the `record` activity queued in the same
transaction as their steps, so a notification is never lost with a step nor sent for a step
that was not recorded. Runs beside the worker (one per worker process; rows are claimed with
SKIP LOCKED). Each delivery — a channel, or a person's e-mail — is sent once (`deliveries`);
a failed send is counted, retried with backoff up to `max_attempts`, then marked failed.
"""

from __future__ import annotations

import asyncio
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from activities.channels import ChannelError, Recipient, RenderedMessage, Router
from activities.render import render
from domain.models import Role
from jindu.i18n import DEFAULT_LANG
from store.channel_failures import record_failure
from store.contacts import contacts_by_names
from store.crypto import DataCipher
from store.recipients import recipients

log = structlog.get_logger(__name__)

CLAIM = """
UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + interval '2 minutes'
WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
               AND ($2::text IS NULL OR project_id = $2)
             ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING *
"""


class Outbox:
    def __init__(self, pool: asyncpg.Pool, router: Router, cipher: DataCipher, *, tz: ZoneInfo, public_url: str,
                 batch: int = 20, poll_seconds: float = 2.0, max_attempts: int = 12) -> None:  # fmt: skip
        self.pool, self.router, self.cipher, self.tz, self.public_url = pool, router, cipher, tz, public_url
        self.batch, self.poll_seconds, self.max_attempts = batch, poll_seconds, max_attempts
        self._wake = asyncio.Event()

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

    async def drain(self, project_id: str | None = None) -> int:
        """Send everything due now (of one project); return how many notifications were handled."""
        handled = 0
        while rows := await self.pool.fetch(CLAIM, self.batch, project_id):
            for row in rows:
                await self._deliver(dict(row))
            handled += len(rows)
        return handled

    async def messages(self, row: dict[str, Any]) -> list[RenderedMessage]:
        """One message per language of its recipients (Chinese first), from the catalogue."""
        names = await recipients(self.pool, to_role=Role(row["to_role"]), to_user_id=row["to_user_id"],
                                 department=row["department"])  # fmt: skip
        people = [Recipient(user_id=c.user_id, name=c.name, role=c.role.value, mobile=c.mobile, email=c.email,
                            channels=c.channels, lang=c.lang)
                  for c in await contacts_by_names(self.pool, names, self.cipher)]  # fmt: skip
        by_lang: dict[str, list[Recipient]] = {}
        for person in people:
            by_lang.setdefault(person.lang, []).append(person)
        langs = sorted(by_lang, key=lambda lang: lang != DEFAULT_LANG) or [DEFAULT_LANG]
        return [render(row, lang, by_lang.get(lang, []), tz=self.tz, public_url=self.public_url) for lang in langs]

    async def _deliver(self, row: dict[str, Any]) -> None:
        try:
            done = {r["channel"] for r in await self.pool.fetch(
                "SELECT channel FROM deliveries WHERE outbox_id = $1", row["id"])}  # fmt: skip
            for message in await self.messages(row):
                for delivery in self.router.plan(message):
                    key = delivery.key if message.lang == DEFAULT_LANG else f"{delivery.key}@{message.lang}"
                    if key in done:
                        continue
                    try:
                        await delivery.channel.send(delivery.message)
                    except ChannelError as err:
                        await record_failure(self.pool, channel=delivery.channel.name, step_key=row["id"],
                                             project_id=row["project_id"], error=str(err))  # fmt: skip
                        raise
                    await self.pool.execute("INSERT INTO deliveries (outbox_id, channel) VALUES ($1, $2) "
                                            "ON CONFLICT DO NOTHING", row["id"], key)  # fmt: skip
            await self.pool.execute("UPDATE outbox SET sent_at = now(), last_error = NULL WHERE id = $1", row["id"])
        except Exception as err:  # a channel failed: retry later, give up after max_attempts
            gave_up = row["attempts"] >= self.max_attempts
            log.warning("notification failed", id=row["id"], attempt=row["attempts"], gave_up=gave_up, error=str(err))
            await self.pool.execute(
                """UPDATE outbox SET last_error = $2, failed_at = CASE WHEN $3 THEN now() END,
                       next_attempt_at = now() + make_interval(secs => least(2 ^ attempts, 900))
                   WHERE id = $1""",
                row["id"], str(err)[:500], gave_up,
            )  # fmt: skip
