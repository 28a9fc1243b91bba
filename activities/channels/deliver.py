"""Sending a workflow notification on the routed channels, each (step, channel) once.

Today the `notify` activity calls `NotificationDelivery.deliver`; the outbox dispatcher
can call the same, or use `Router.plan` and `Channel.send` with its own bookkeeping.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import asyncpg

from activities.channels.compose import render_notification
from activities.channels.message import ChannelError
from activities.channels.router import Router
from domain.models import Notification
from jindu.i18n import DEFAULT_LANG
from store import records
from store.channel_failures import record_failure
from store.crypto import DataCipher


class NotificationDelivery:
    def __init__(self, router: Router, *, public_url: str, timezone: str = "Asia/Shanghai") -> None:
        self.router, self.public_url, self.tz = router, public_url, ZoneInfo(timezone)

    async def deliver(self, pool: asyncpg.Pool, cipher: DataCipher, note: Notification) -> None:
        """Book each delivery in its own transaction and send it; a failed send is counted,
        rolls its booking back and raises, so a retry sends only what is still unsent."""
        async with pool.acquire() as conn:
            messages = await render_notification(conn, note, cipher, public_url=self.public_url, tz=self.tz)
        for message in messages:
            for delivery in self.router.plan(message):
                key = delivery.key if message.lang == DEFAULT_LANG else f"{delivery.key}@{message.lang}"
                async with pool.acquire() as conn, conn.transaction():
                    booked = await records.claim_notification(
                        conn, step_key=note.step_key, channel=key, project_id=note.project_id, kind=note.kind,
                        to_role=note.to_role.value, to_user_id=note.to_user_id, department=note.department,
                        subject=message.subject, body=delivery.message.text,
                    )
                    if not booked:
                        continue
                    try:
                        await delivery.channel.send(delivery.message)
                    except ChannelError as err:
                        await record_failure(pool, channel=delivery.channel.name, step_key=note.step_key,
                                             project_id=note.project_id, error=str(err))
                        raise
