"""The log: every message, always (names of recipients only, never their contacts)."""

from __future__ import annotations

import structlog

from activities.channels.message import RenderedMessage

log = structlog.get_logger("jindu.notify")


class LogChannel:
    name, group = "log", True

    async def send(self, message: RenderedMessage) -> None:
        log.info("notification", key=message.key, project_id=message.project_id, kind=message.kind,
                 lang=message.lang, subject=message.subject, link=message.link,
                 recipients=[r.name for r in message.recipients])
