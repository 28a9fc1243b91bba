"""What every channel sends: one rendered message and the people it is for."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field


class Recipient(BaseModel):
    """A person, with only what they have given: mobile for robot @mentions, e-mail, the
    channels they prefer and their language."""

    user_id: str | None = None
    name: str
    role: str
    mobile: str | None = None
    email: str | None = None
    channels: list[str] = Field(default_factory=list)
    lang: str = "zh"

    @property
    def is_customer(self) -> bool:
        return self.role == "customer"


class Button(BaseModel):
    """A direct action in a message: a link to its confirmation page (or to the item)."""

    label: str
    url: str
    style: str = "default"  # primary | danger | default


class RenderedMessage(BaseModel):
    """A notification ready to send, in one language: a subject, a markdown body for the
    chat robots, a plain-text body for e-mail and logs, and the link that opens the item
    in the workspace."""

    key: str = Field(description="Idempotency key of the notification (the workflow step key)")
    project_id: str | None = None
    kind: str = "info"
    lang: str = "zh"
    subject: str
    markdown: str
    text: str
    link: str
    recipients: list[Recipient] = Field(default_factory=list)
    facts: list[tuple[str, str]] = Field(default_factory=list, description="What the decision needs, label and value")
    buttons: list[Button] = Field(default_factory=list, description="Direct actions; empty: only `link`")

    def to(self, recipients: list[Recipient]) -> RenderedMessage:
        return self.model_copy(update={"recipients": recipients})


class ChannelError(Exception):
    """A send that did not happen (HTTP error, robot `errcode`, SMTP refusal): retry later."""

    def __init__(self, channel: str, message: str, code: str | None = None) -> None:
        super().__init__(f"{channel}: {message}")
        self.channel, self.code = channel, code  # the platform's errcode (or HTTP/SMTP status) when it gave one


class Channel(Protocol):
    name: str  # wecom, dingtalk, feishu, email, log
    group: bool  # True: posts once to a group (chat robot); False: reaches each person

    async def send(self, message: RenderedMessage) -> None: ...
