"""Which channels reach each recipient.

- Staff are reached on the channels they chose, else on every configured chat robot
  (the group robot @mentions them by mobile, Feishu by e-mail) and every configured app's
  personal messages (DingTalk 工作通知, WeCom 应用消息, Feishu bot messages).
- Customers are reached only on channels they have given, and never through a staff
  group robot: today that is e-mail.
- E-mail goes to each person separately, in their language; a chat robot posts once per
  message, in the company's language (a group is shared: one language for all).
- The log gets every message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from activities.channels.message import Channel, Recipient, RenderedMessage


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    message: RenderedMessage
    key: str  # what a sender books once: the channel name, or `email:<user>` per person


class Router:
    def __init__(self, channels: Sequence[Channel]) -> None:
        names = [c.name for c in channels]
        if len(set(names)) != len(names):
            raise ValueError(f"channel names must be unique: {names}")
        self.channels = {c.name: c for c in channels}

    def channels_of(self, person: Recipient) -> list[str]:
        """A platform a person chose (`dingtalk`) covers its group robot and its app's personal
        messages (`dingtalk_app`); a channel that cannot reach them (no mobile to find their
        account) is left out."""
        chosen = [name for name, c in self.channels.items()
                  if name in person.channels or getattr(c, "platform", None) in person.channels]  # fmt: skip
        if person.is_customer:
            chosen = [name for name in chosen if not self.channels[name].group]
        elif not chosen:
            chosen = [name for name, c in self.channels.items()
                      if name != "log" and (c.group or hasattr(c, "platform"))]  # fmt: skip
        return [name for name in chosen if getattr(self.channels[name], "reaches", lambda _: True)(person)]

    def plan(self, message: RenderedMessage,
             personal: Callable[[Recipient], RenderedMessage] | None = None) -> list[Delivery]:  # fmt: skip
        """`message` for the groups and the log; `personal(person)` (default: `message`) for each
        person's own channel."""
        deliveries: list[Delivery] = []
        if "log" in self.channels:
            deliveries.append(Delivery(self.channels["log"], message, "log"))
        routed = {person.name: self.channels_of(person) for person in message.recipients}
        for name, channel in self.channels.items():
            if name == "log":
                continue
            people = [p for p in message.recipients if name in routed[p.name]]
            if channel.group:
                # Nobody named at all (no such user yet): the group still sees it, unmentioned.
                if people or (not message.recipients and name != "email"):
                    deliveries.append(Delivery(channel, message.to(people), name))
            else:
                for person in people:
                    own = personal(person) if personal else message
                    deliveries.append(Delivery(channel, own.to([person]), f"{name}:{person.user_id or person.name}"))
        return deliveries

    async def send(self, message: RenderedMessage) -> None:
        """Every delivery at once, none waiting on another; then the first failure raises (ChannelError)."""
        import asyncio

        done = await asyncio.gather(*(d.channel.send(d.message) for d in self.plan(message)), return_exceptions=True)
        for outcome in done:
            if isinstance(outcome, BaseException):
                raise outcome


def build_router(settings) -> Router:
    """The channels configured in the settings (JINDU_WECOM_*, JINDU_DINGTALK_*, …) plus the log."""
    from activities.channels.dingtalk import DingTalkRobot
    from activities.channels.feishu import FeishuBot
    from activities.channels.log import LogChannel
    from activities.channels.smtp import SmtpMail
    from activities.channels.wecom import WeComRobot

    channels: list[Channel] = [LogChannel()]
    wecom = settings.wecom_webhook_url or settings.webhook_url  # JINDU_WEBHOOK_URL: the older name
    if wecom:
        channels.append(WeComRobot(wecom))
    if settings.dingtalk_webhook_url:
        channels.append(DingTalkRobot(settings.dingtalk_webhook_url, settings.dingtalk_secret))
    if settings.feishu_webhook_url:
        channels.append(FeishuBot(settings.feishu_webhook_url, settings.feishu_secret))
    channels.extend(app_channels(settings))
    if settings.smtp_host:
        channels.append(SmtpMail(settings.smtp_host, settings.smtp_port, sender=settings.smtp_from,
                                 username=settings.smtp_username, password=settings.smtp_password,
                                 starttls=settings.smtp_starttls, use_ssl=settings.smtp_ssl))
    return Router(channels)


def app_channels(settings) -> list[Channel]:
    """The platforms' application messaging, where its credentials are configured."""
    from activities.channels.dingtalk_app import DingTalkWorkNotice
    from activities.channels.feishu_app import FeishuBotMessage
    from activities.channels.wecom_app import WeComAppMessage

    found: list[Channel] = []
    if getattr(settings, "dingtalk_app_key", None):
        found.append(DingTalkWorkNotice(settings.dingtalk_api_url, settings.dingtalk_app_key,
                                        settings.dingtalk_app_secret or "", settings.dingtalk_agent_id or ""))
    if getattr(settings, "wecom_corp_id", None):
        found.append(WeComAppMessage(settings.wecom_api_url, settings.wecom_corp_id, settings.wecom_app_secret or "",
                                     settings.wecom_agent_id or ""))
    if getattr(settings, "feishu_app_id", None):
        found.append(FeishuBotMessage(settings.feishu_api_url, settings.feishu_app_id,
                                      settings.feishu_app_secret or ""))
    return found
