"""Where notifications go: the log always, a chat-robot webhook (WeCom/DingTalk) if set."""

from __future__ import annotations

from typing import Protocol

import httpx
import structlog

from domain.models import Notification

log = structlog.get_logger(__name__)


class OutgoingMessage(Notification):
    """A notification with its recipients resolved to people."""

    recipients: list[str]

    def content(self) -> str:
        to = ", ".join(self.recipients) or f"{self.to_role}@{self.department or 'all'}"
        return f"[Jindu] {self.subject}\nTo: {to}\n{self.text}"


class Channel(Protocol):
    name: str  # key of notifications.channel: each channel sends a step's message once

    async def send(self, message: OutgoingMessage) -> None: ...


class LogChannel:
    name = "log"

    async def send(self, message: OutgoingMessage) -> None:
        log.info(
            "notification",
            project_id=message.project_id,
            kind=message.kind,
            to_role=message.to_role,
            recipients=message.recipients,
            subject=message.subject,
            text=message.text,
        )


class WebhookChannel:
    """Posts the robot text format both WeCom and DingTalk accept, plus a `jindu` object
    with the structured fields for receivers that want them."""

    name = "webhook"

    def __init__(self, url: str, client: httpx.AsyncClient | None = None, timeout: float = 10.0) -> None:
        self.url, self._client, self._timeout = url, client, timeout

    @staticmethod
    def payload(message: OutgoingMessage) -> dict:
        return {
            "msgtype": "text",
            "text": {"content": message.content()},
            "jindu": {
                "project_id": message.project_id,
                "kind": message.kind,
                "to_role": message.to_role,
                "recipients": message.recipients,
                "subject": message.subject,
            },
        }

    async def send(self, message: OutgoingMessage) -> None:
        if self._client is not None:
            response = await self._client.post(self.url, json=self.payload(message))
        else:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(self.url, json=self.payload(message))
        response.raise_for_status()


class Notifier:
    def __init__(self, channels: list[Channel]) -> None:
        names = [c.name for c in channels]
        if len(set(names)) != len(names):
            raise ValueError(f"notification channel names must be unique: {names}")
        self.channels = list(channels)

    async def send(self, message: OutgoingMessage) -> None:
        """Send on every channel (no once-only bookkeeping: that is the notify activity's)."""
        for channel in self.channels:
            await channel.send(message)


def build_notifier(webhook_url: str | None) -> Notifier:
    channels: list[Channel] = [LogChannel()]
    if webhook_url:
        channels.append(WebhookChannel(webhook_url))
    return Notifier(channels)
