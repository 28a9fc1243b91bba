"""Messages that reach people (issue 8): one module per channel, and a router that picks
the channels of each recipient.

The narrow interface a sender (today the `notify` activity, later the outbox dispatcher)
uses:

    message = RenderedMessage(...)                # or compose.render_notification(...)
    router = build_router(settings)               # the configured channels
    for delivery in router.plan(message):         # per channel (and per person for e-mail)
        await delivery.channel.send(delivery.message)   # raises ChannelError: retry later

Every channel is `async def send(message: RenderedMessage) -> None` and raises
`ChannelError` on any failure, including a robot's HTTP 200 with a non-zero `errcode`
(Feishu: `code`), so the caller's retry policy applies.
"""

from activities.channels.message import Button, Channel, ChannelError, Recipient, RenderedMessage
from activities.channels.router import Delivery, Router, build_router

__all__ = ["Button", "Channel", "ChannelError", "Delivery", "Recipient", "RenderedMessage", "Router", "build_router"]
