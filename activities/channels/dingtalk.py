"""DingTalk (钉钉) custom robot.

Documented format (DingTalk open platform, 自定义机器人接入 / 自定义机器人安全设置,
https://open.dingtalk.com/document/robots/custom-robot-access and
https://open.dingtalk.com/document/robots/customize-robot-security-settings ):
POST JSON to `https://oapi.dingtalk.com/robot/send?access_token=…`. Signed robots
(加签) add `&timestamp=<ms>&sign=<sign>`, where sign = urlEncode(base64(HmacSHA256(
key=secret, message=timestamp + "\\n" + secret))) and the timestamp is in milliseconds,
within one hour of the server's clock. Markdown: `{"msgtype": "markdown", "markdown":
{"title", "text"}, "at": {"atMobiles": [...], "isAtAll": false}}`; a mentioned mobile
must also appear as `@<mobile>` in the text to be highlighted. The answer is HTTP 200
with `{"errcode": 0, "errmsg": "ok"}`; e.g. 310000 for a bad signature, 130101 for sending
too fast. A message with decision buttons is an ActionCard (独立跳转 ActionCard:
`{"msgtype": "actionCard", "actionCard": {"title", "text", "btnOrientation", "btns":
[{"title", "actionURL"}]}}`, https://open.dingtalk.com/document/orgapp/robot-message-types-and-data-format );
an ActionCard cannot @mention, so it names its addressees in the text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import httpx

from activities.channels.message import RenderedMessage
from activities.channels.robot import post_json
from jindu.i18n import t


def sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


class DingTalkRobot:
    name, group = "dingtalk", True

    def __init__(self, url: str, secret: str | None = None, client: httpx.AsyncClient | None = None) -> None:
        self.url, self.secret, self.client = url, secret, client

    def signed_url(self, timestamp_ms: int | None = None) -> str:
        if not self.secret:
            return self.url
        ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}timestamp={ts}&sign={sign(self.secret, ts)}"

    @staticmethod
    def payload(message: RenderedMessage) -> dict:
        if len(message.buttons) > 1:
            return DingTalkRobot.action_card(message)
        mobiles = [r.mobile for r in message.recipients if r.mobile]
        mentions = " ".join(f"@{m}" for m in mobiles)
        text = f"{message.markdown}\n\n[{t('notify.common.open', message.lang)}]({message.link})"
        if mentions:
            text += f"\n\n{mentions}"
        return {"msgtype": "markdown", "markdown": {"title": message.subject, "text": text},
                "at": {"atMobiles": mobiles, "isAtAll": False}}

    @staticmethod
    def action_card(message: RenderedMessage) -> dict:
        text = message.markdown
        if message.recipients:
            names = "、".join(r.name for r in message.recipients)
            text += "\n\n" + t("notify.common.addressed", message.lang, names=names)
        across = "1" if len(message.buttons) > 2 else "0"  # three buttons stack; two sit side by side
        return {"msgtype": "actionCard",
                "actionCard": {"title": message.subject, "text": text, "btnOrientation": across,
                               "btns": [{"title": b.label, "actionURL": b.url} for b in message.buttons]}}

    async def send(self, message: RenderedMessage) -> None:
        await post_json(self.name, self.signed_url(), self.payload(message), self.client)
