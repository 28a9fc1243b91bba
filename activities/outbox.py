"""The outbox dispatcher: sends the notifications the `record` activity queued in the same
transaction as their steps, so a notification is never lost with a step nor sent for a step
that was not recorded. Runs beside the worker (one per worker process; rows are claimed with
SKIP LOCKED).

Each delivery of a notification (a group robot, or one person's e-mail) stands alone (issue 17):
they are sent at once, each with its own timeout, each failure retried on its own backoff and
finally given up, and every outcome recorded (store/deliveries.py, shown on 通知记录). A
robot that refuses never delays or cancels the Feishu card or the e-mail of the same notice.
Group posts are in the company's language; personal messages in the person's own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from activities.channels import Button, ChannelError, Delivery, Recipient, RenderedMessage, Router
from activities.render import APPROVAL_KEYS, PROCESS_DECISION_KEYS, PROCESS_HANDOVER_KEYS, render
from domain.models import Role
from jindu.i18n import DEFAULT_LANG, t
from store import action_links, deliveries
from store.channel_failures import record_failure
from store.contacts import contacts_by_names
from store.crypto import DataCipher
from store.notice_briefs import process_brief, project_brief
from store.recipients import recipients

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
    def __init__(self, pool: asyncpg.Pool, router: Router, cipher: DataCipher, *, tz: ZoneInfo, public_url: str,
                 batch: int = 20, poll_seconds: float = 2.0, max_attempts: int = 12, company_lang: str = DEFAULT_LANG,
                 send_timeout: float = 20.0, retry_in: Callable[[int], float] = backoff) -> None:  # fmt: skip
        self.pool, self.router, self.cipher, self.tz, self.public_url = pool, router, cipher, tz, public_url
        self.batch, self.poll_seconds, self.max_attempts = batch, poll_seconds, max_attempts
        self.company_lang, self.send_timeout, self.retry_in = company_lang, send_timeout, retry_in
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

    async def drain(self, project_id: str | None = None, process_id: str | None = None) -> int:
        """Send everything due now (of one project, or one process); return how many
        notifications were handled."""
        handled, path = 0, f"/processes/{process_id}" if process_id else None
        while rows := await self.pool.fetch(CLAIM, self.batch, project_id, path):
            await asyncio.gather(*(self._deliver(dict(row)) for row in rows))
            handled += len(rows)
        return handled

    async def people(self, row: dict[str, Any]) -> list[Recipient]:
        names = await recipients(self.pool, to_role=Role(row["to_role"]), to_user_id=row["to_user_id"],
                                 department=row["department"])  # fmt: skip
        return [Recipient(user_id=c.user_id, name=c.name, role=c.role.value, mobile=c.mobile, email=c.email,
                          channels=c.channels, lang=c.lang)
                for c in await contacts_by_names(self.pool, names, self.cipher)]  # fmt: skip

    async def brief(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """What the message says about its project, or its process (project_id NULL)."""
        if row.get("project_id"):
            return await project_brief(self.pool, row["project_id"])
        return await process_brief(self.pool, (row["params"] or {}).get("process_id"))

    async def plan(self, row: dict[str, Any]) -> list[Delivery]:
        """The deliveries of one notification: the group message in the company's language, each
        person's own message in theirs."""
        people = await self.people(row)
        brief = await self.brief(row)
        rendered: dict[str, RenderedMessage] = {}

        def in_lang(lang: str) -> RenderedMessage:
            if lang not in rendered:
                rendered[lang] = render(row, lang, people, tz=self.tz, public_url=self.public_url, brief=brief)
            return rendered[lang]

        return self.router.plan(in_lang(self.company_lang), personal=lambda person: in_lang(person.lang))

    async def messages(self, row: dict[str, Any]) -> list[RenderedMessage]:
        """What the notification reads as, by language (the company's first)."""
        people = await self.people(row)
        brief = await self.brief(row)
        langs = [self.company_lang] + sorted({p.lang for p in people} - {self.company_lang})
        return [render(row, lang, people, tz=self.tz, public_url=self.public_url, brief=brief) for lang in langs]

    async def _deliver(self, row: dict[str, Any]) -> None:
        try:
            planned = await self.plan(row)
            await deliveries.plan(self.pool, row["id"], row.get("project_id"), [
                deliveries.Planned(delivery=d.key, channel=d.channel.name, lang=d.message.lang,
                                   recipients=[r.name for r in d.message.recipients]) for d in planned])  # fmt: skip
            due = await deliveries.due(self.pool, row["id"])  # each with how often it was tried
            await asyncio.gather(*(self._send(row, d, due[d.key]) for d in planned if d.key in due))
            for gone in due.keys() - {d.key for d in planned}:  # its person left (or the channel was removed)
                await deliveries.failed(self.pool, row["id"], gone, errcode=None, error="no longer addressed",
                                        retry_in=None)  # fmt: skip
            await deliveries.settle(self.pool, row["id"])
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            # The records are out of reach: the claim's lease brings the notice back in two minutes.
            log.warning("notification not handled, retrying", id=row["id"], error=str(err))
        except Exception as err:  # it cannot even be planned (a bad notice): retried, then given up, never a crash
            gave_up = row["attempts"] >= self.max_attempts
            log.error("notification not planned", id=row["id"], attempt=row["attempts"], gave_up=gave_up, exc_info=err)
            await self.pool.execute(
                """UPDATE outbox SET last_error = $2, failed_at = CASE WHEN $3 THEN now() END,
                       next_attempt_at = now() + make_interval(secs => $4::float8) WHERE id = $1""",
                row["id"], f"{type(err).__name__}: {err}"[:500], gave_up, self.retry_in(row["attempts"]))  # fmt: skip

    async def _send(self, row: dict[str, Any], delivery: Delivery, attempts: int) -> None:
        code: str | None = None
        try:
            logged = delivery.channel.name == "log"  # the log gets no action links: they would sit unused
            message = delivery.message if logged else await self._with_buttons(row, delivery.message)
            await asyncio.wait_for(delivery.channel.send(message), timeout=self.send_timeout)
        except ChannelError as err:
            code, error = err.code, str(err)
        except TimeoutError:
            error = f"{delivery.channel.name}: no answer in {self.send_timeout:g} s"
        except Exception as err:  # a channel's bug must not stop the others; it is recorded like a refusal
            error = f"{delivery.channel.name}: {type(err).__name__}: {err}"
        else:
            await deliveries.sent(self.pool, row["id"], delivery.key)
            return
        attempt = attempts + 1
        retry_in = self.retry_in(attempt) if attempt < self.max_attempts else None
        log.warning("delivery failed", id=row["id"], delivery=delivery.key, attempt=attempt, errcode=code,
                    gave_up=retry_in is None, error=error)  # fmt: skip
        await record_failure(self.pool, channel=delivery.channel.name, step_key=row["id"], project_id=row["project_id"],
                             error=error, delivery=delivery.key, errcode=code)  # fmt: skip
        await deliveries.failed(self.pool, row["id"], delivery.key, errcode=code, error=error, retry_in=retry_in)

    async def _with_buttons(self, row: dict[str, Any], message: RenderedMessage) -> RenderedMessage:
        """Approve and reject buttons for an approval, each a fresh link bound to the people this
        delivery names (a group post's link lets none but them act); else one button to the item."""
        lang = message.lang
        addressees = [r.user_id for r in message.recipients if r.user_id]
        params = row["params"] or {}
        if params.get("process_id") and params.get("node") and addressees and await self._process_decision(row):
            return await self._process_buttons(row, message, addressees)
        gate = params.get("gate")
        if row["key"] not in APPROVAL_KEYS or not gate or not addressees or not row.get("project_id"):
            return message.model_copy(update={"buttons": [Button(label=t("notify.common.open", lang),
                                                                 url=message.link, style="primary")]})
        base = self.public_url.rstrip("/")
        buttons = []
        for action, style in (("approve", "primary"), ("reject", "danger")):
            token = await action_links.issue(self.pool, outbox_id=row["id"], project_id=row["project_id"],
                                             action=action, gate=gate, user_ids=addressees)  # fmt: skip
            buttons.append(Button(label=t(f"notify.button.{action}", lang), url=f"{base}/act/{token}", style=style))
        buttons.append(Button(label=t("notify.common.open", lang), url=message.link))
        return message.model_copy(update={"buttons": buttons})

    async def _process_decision(self, row: dict[str, Any]) -> bool:
        """The message asks for a decision on a process's approval node: a fresh approval, or one
        transferred to the addressee (issue 15: the new addressee gets the same buttons)."""
        if row["key"] in PROCESS_DECISION_KEYS:
            return True
        if row["key"] not in PROCESS_HANDOVER_KEYS:
            return False
        brief = await process_brief(self.pool, row["params"]["process_id"])
        node = next((n for n in (brief or {}).get("nodes") or [] if n.get("id") == row["params"]["node"]), {})
        return node.get("type") == "approval"

    async def _process_buttons(self, row: dict[str, Any], message: RenderedMessage,
                               addressees: list[str]) -> RenderedMessage:  # fmt: skip
        """Approve and reject for a process's approval node (issue 15), bound to this delivery's
        people and the node (a task is done on its page, with its fields: one button there)."""
        params, lang, base = row["params"], message.lang, self.public_url.rstrip("/")
        buttons = []
        for action, style in (("approve", "primary"), ("reject", "danger")):
            token = await action_links.issue(self.pool, outbox_id=row["id"], project_id=None, action=action,
                                             gate=params["node"], user_ids=addressees,
                                             process_id=params["process_id"])  # fmt: skip
            buttons.append(Button(label=t(f"notify.button.{action}", lang), url=f"{base}/act/{token}", style=style))
        buttons.append(Button(label=t("notify.common.open", lang), url=message.link))
        return message.model_copy(update={"buttons": buttons})
