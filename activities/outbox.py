"""The outbox dispatcher: sends the notifications the `record` activity queued in the same
transaction as their steps, so a notification is never lost with a step nor sent for a step
that was not recorded. Runs beside the worker (one per worker process; rows are claimed with
SKIP LOCKED).

Each delivery of a notification (a group robot, or one person's e-mail) stands alone (issue 17):
they are sent at once, each with its own timeout, each failure retried on its own backoff and
finally given up, and every outcome recorded (store/deliveries.py, shown on 通知记录). A
robot that refuses never delays or cancels the Feishu card or the e-mail of the same notice.
Group posts are in the company's language; personal messages in the person's own.

A claimed batch of notices is handled with a constant number of statements, whatever its size
(issue 16: per notice, the dispatcher cost more round trips than the rest of an action): its
people, contacts and briefs (activities/outbox_batch.py), the deliveries planned, those due, the
buttons' links (activities/outbox_buttons.py), the sends booked and the notices settled, one
statement each for the batch. Only what is rare goes one by one: a failed delivery, a bad notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from activities import outbox_batch
from activities.channels import ChannelError, Delivery, Recipient, RenderedMessage, Router
from activities.outbox_buttons import dressed
from activities.render import render
from jindu.i18n import DEFAULT_LANG
from store import action_links, deliveries
from store.channel_failures import record_failure
from store.crypto import DataCipher

log = structlog.get_logger(__name__)

CLAIM = """
UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + interval '2 minutes'
WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
               AND ($2::text IS NULL OR project_id = $2) AND ($3::text IS NULL OR path = $3)
             ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING *
"""


PURGE_EVERY = 3600.0  # seconds between sweeps of long-expired action links


def backoff(attempts: int) -> float:
    """Seconds before a delivery's next try: 2, 4, 8 … up to 15 minutes."""
    return float(min(2**attempts, 900))


class Outbox:
    """`gather_seconds`: how long the loop beside the worker (`run`) waits once woken by a record
    before it drains, so that under load the notices of the records right behind join the same
    batch (a batch costs the same statements as a single notice). `drain` itself never waits."""

    def __init__(self, pool: asyncpg.Pool, router: Router, cipher: DataCipher, *, tz: ZoneInfo, public_url: str,
                 batch: int = 20, poll_seconds: float = 2.0, max_attempts: int = 12, company_lang: str = DEFAULT_LANG,
                 send_timeout: float = 20.0, retry_in: Callable[[int], float] = backoff,
                 gather_seconds: float = 0.1) -> None:  # fmt: skip
        self.pool, self.router, self.cipher, self.tz, self.public_url = pool, router, cipher, tz, public_url
        self.batch, self.poll_seconds, self.max_attempts = batch, poll_seconds, max_attempts
        self.company_lang, self.send_timeout, self.retry_in = company_lang, send_timeout, retry_in
        self.gather_seconds = gather_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        purged_at = 0.0
        while not stop.is_set():
            try:
                await self.drain()
                if time.monotonic() - purged_at > PURGE_EVERY:
                    await action_links.purge(self.pool)
                    purged_at = time.monotonic()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
                log.warning("outbox unavailable, retrying", error=str(err))
            self._wake.clear()
            waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(waits, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            for w in waits:
                w.cancel()
            if self._wake.is_set() and self.gather_seconds > 0:  # the records right behind join the batch
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.gather_seconds)

    async def drain(self, project_id: str | None = None, process_id: str | None = None) -> int:
        """Send everything due now (of one project, or one process); return how many
        notifications were handled."""
        handled, path = 0, f"/processes/{process_id}" if process_id else None
        while rows := await self.pool.fetch(CLAIM, self.batch, project_id, path):
            await self._handle([dict(row) for row in rows])
            handled += len(rows)
        return handled

    def _rendered(self, row: dict[str, Any], people: list[Recipient],
                  brief: dict[str, Any] | None) -> Callable[[str], RenderedMessage]:  # fmt: skip
        """The notification in a language, rendered once per language."""
        rendered: dict[str, RenderedMessage] = {}

        def in_lang(lang: str) -> RenderedMessage:
            if lang not in rendered:
                rendered[lang] = render(row, lang, people, tz=self.tz, public_url=self.public_url, brief=brief)
            return rendered[lang]

        return in_lang

    def plan(self, row: dict[str, Any], people: list[Recipient], brief: dict[str, Any] | None) -> list[Delivery]:
        """The deliveries of one notification: the group message in the company's language, each
        person's own message in theirs."""
        in_lang = self._rendered(row, people, brief)
        return self.router.plan(in_lang(self.company_lang), personal=lambda person: in_lang(person.lang))

    async def messages(self, row: dict[str, Any]) -> list[RenderedMessage]:
        """What the notification reads as, by language (the company's first)."""
        batch = await outbox_batch.read(self.pool, self.cipher, [row])
        if row["id"] in batch.bad:
            raise batch.bad[row["id"]]
        people = batch.people[row["id"]]
        in_lang = self._rendered(row, people, batch.brief(row))
        return [in_lang(lang) for lang in [self.company_lang] + sorted({p.lang for p in people} - {self.company_lang})]

    async def _handle(self, rows: list[dict[str, Any]]) -> None:
        """One claimed batch, in a constant number of statements (the module's docstring)."""
        try:
            batch = await outbox_batch.read(self.pool, self.cipher, rows)
            planned: dict[str, list[Delivery]] = {}
            for row in batch.good():
                try:
                    planned[row["id"]] = self.plan(row, batch.people[row["id"]], batch.brief(row))
                except Exception as err:  # it cannot even be rendered: a bad notice
                    batch.bad[row["id"]] = err
            by_id = {row["id"]: row for row in rows}
            await deliveries.plan(self.pool, [
                deliveries.Planned(outbox_id=i, project_id=by_id[i].get("project_id"), delivery=d.key,
                                   channel=d.channel.name, lang=d.message.lang,
                                   recipients=[r.name for r in d.message.recipients])
                for i, ds in planned.items() for d in ds])  # fmt: skip
            due = await deliveries.due(self.pool, list(planned))  # each with how often it was tried
            sends = [(by_id[i], d, due[i][d.key]) for i, ds in planned.items() for d in ds if d.key in due.get(i, {})]
            messages = await dressed(self.pool, self.public_url, [(row, d, batch.process(row)) for row, d, _ in sends])
            outcomes = await asyncio.gather(*(self._send(row, d, tried, message)
                                              for (row, d, tried), message in zip(sends, messages, strict=True)),
                                            return_exceptions=True)  # fmt: skip
            went = [(row["id"], d.key) for (row, d, _), ok in zip(sends, outcomes, strict=True) if ok is True]
            await deliveries.sent(self.pool, went)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):  # a failure that could not be recorded
                    raise outcome
            for i, ds in planned.items():
                for gone in due.get(i, {}).keys() - {d.key for d in ds}:  # its person left (or the channel was removed)
                    await deliveries.failed(self.pool, i, gone, errcode=None, error="no longer addressed",
                                            retry_in=None)  # fmt: skip
            await deliveries.settle(self.pool, list(planned))
            for row in rows:
                if row["id"] in batch.bad:
                    await self._not_planned(row, batch.bad[row["id"]])
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            # The records are out of reach: the claim's lease brings the notices back in two minutes.
            log.warning("notifications not handled, retrying", ids=[row["id"] for row in rows], error=str(err))

    async def _not_planned(self, row: dict[str, Any], err: Exception) -> None:
        """A bad notice (it cannot even be planned): retried on its backoff, then given up, alone."""
        gave_up = row["attempts"] >= self.max_attempts
        log.error("notification not planned", id=row["id"], attempt=row["attempts"], gave_up=gave_up, exc_info=err)
        await self.pool.execute(
            """UPDATE outbox SET last_error = $2, failed_at = CASE WHEN $3 THEN now() END,
                   next_attempt_at = now() + make_interval(secs => $4::float8) WHERE id = $1""",
            row["id"], f"{type(err).__name__}: {err}"[:500], gave_up, self.retry_in(row["attempts"]))  # fmt: skip

    async def _send(self, row: dict[str, Any], delivery: Delivery, attempts: int,
                    message: RenderedMessage | Exception) -> bool:  # fmt: skip
        """Send one delivery with its own timeout; a failure is recorded with it (True: it went out)."""
        code: str | None = None
        try:
            if isinstance(message, Exception):  # its buttons could not be made
                raise message
            await asyncio.wait_for(delivery.channel.send(message), timeout=self.send_timeout)
        except ChannelError as err:
            code, error = err.code, str(err)
        except TimeoutError:
            error = f"{delivery.channel.name}: no answer in {self.send_timeout:g} s"
        except Exception as err:  # a channel's bug must not stop the others; it is recorded like a refusal
            error = f"{delivery.channel.name}: {type(err).__name__}: {err}"
        else:
            return True
        attempt = attempts + 1
        retry_in = self.retry_in(attempt) if attempt < self.max_attempts else None
        log.warning("delivery failed", id=row["id"], delivery=delivery.key, attempt=attempt, errcode=code,
                    gave_up=retry_in is None, error=error)  # fmt: skip
        await record_failure(self.pool, channel=delivery.channel.name, step_key=row["id"], project_id=row["project_id"],
                             error=error, delivery=delivery.key, errcode=code)  # fmt: skip
        await deliveries.failed(self.pool, row["id"], delivery.key, errcode=code, error=error, retry_in=retry_in)
        return False
