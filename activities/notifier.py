"""Where notifications go: the log always, a chat-robot webhook (WeCom/DingTalk) if set.

Channels send an `OutgoingMessage`: a rendered text (message catalogue, Chinese by
default), a link to the item in the workspace, and the people it is for. The outbox
(activities/outbox.py) decides when, and makes sure each channel sends it once.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx
import structlog
from pydantic import BaseModel

log = structlog.get_logger(__name__)


class OutgoingMessage(BaseModel):
    id: str
    project_id: str
    kind: str
    to_role: str
    to_user_id: str | None = None
    department: str | None = None
    subject: str
    text: str
    link: str | None = None
    recipients: list[str]

    def content(self) -> str:
        to = ", ".join(self.recipients) or f"{self.to_role}@{self.department or 'all'}"
        lines = [f"[进度 Jindu] {self.subject}", f"→ {to}", self.text]
        return "\n".join([*lines, self.link] if self.link else lines)


class Channel(Protocol):
    name: str  # key of deliveries.channel: each channel sends a message once

    async def send(self, message: OutgoingMessage) -> None: ...


class LogChannel:
    name = "log"

    async def send(self, message: OutgoingMessage) -> None:
        log.info("notification", project_id=message.project_id, kind=message.kind, to_role=message.to_role,
                 recipients=message.recipients, subject=message.subject, text=message.text, link=message.link)


class WebhookChannel:
    """Posts the robot text format both WeCom and DingTalk accept, plus a `jindu` object
    with the structured fields for receivers that want them. A robot answers HTTP 200 with
    a non-zero `errcode` on failure: that is a failure too, and is retried."""

    name = "webhook"

    def __init__(self, url: str, client: httpx.AsyncClient | None = None, timeout: float = 10.0) -> None:
        self.url, self._client, self._timeout = url, client, timeout

    @staticmethod
    def payload(message: OutgoingMessage) -> dict[str, Any]:
        return {
            "msgtype": "text",
            "text": {"content": message.content()},
            "jindu": {"project_id": message.project_id, "kind": message.kind, "to_role": message.to_role,
                      "recipients": message.recipients, "subject": message.subject, "link": message.link},
        }  # fmt: skip

    async def send(self, message: OutgoingMessage) -> None:
        if self._client is not None:
            response = await self._client.post(self.url, json=self.payload(message))
        else:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(self.url, json=self.payload(message))
        response.raise_for_status()
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if isinstance(body, dict) and body.get("errcode", 0) != 0:
            raise RuntimeError(f"robot refused the message: errcode {body.get('errcode')} {body.get('errmsg', '')}")


class Notifier:
    def __init__(self, channels: list[Channel]) -> None:
        names = [c.name for c in channels]
        if len(set(names)) != len(names):
            raise ValueError(f"notification channel names must be unique: {names}")
        self.channels = list(channels)


def build_notifier(webhook_url: str | None) -> Notifier:
    channels: list[Channel] = [LogChannel()]
    if webhook_url:
        channels.append(WebhookChannel(webhook_url))
    return Notifier(channels)
