"""Feishu / Lark (飞书) custom bot.

Documented format (Feishu open platform, 自定义机器人使用指南,
https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot ): POST JSON to
`https://open.feishu.cn/open-apis/bot/v2/hook/…`. With signature verification (签名校验)
the body carries `timestamp` (seconds, within an hour) and `sign` =
base64(HmacSHA256(key=timestamp + "\\n" + secret, message="")). A card message is
`{"msg_type": "interactive", "card": {...}}`; in a card's `lark_md` text
`<at email=…></at>` mentions a member by e-mail (custom bots cannot resolve mobiles).
The answer is HTTP 200 with `{"code": 0, "msg": "success"}`; a failure has a non-zero
`code`, e.g. 19021 for a bad signature. The card's buttons (`tag: button`, `type`
primary / danger / default, `url`) are the message's direct actions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import httpx

from activities.channels.message import Button, RenderedMessage
from activities.channels.robot import post_json
from jindu.i18n import t


def sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


class FeishuBot:
    name, group = "feishu", True

    def __init__(self, url: str, secret: str | None = None, client: httpx.AsyncClient | None = None) -> None:
        self.url, self.secret, self.client = url, secret, client

    def payload(self, message: RenderedMessage, timestamp_s: int | None = None) -> dict:
        mentions = " ".join(f"<at email={r.email}></at>" for r in message.recipients if r.email)
        content = message.markdown + (f"\n{mentions}" if mentions else "")
        urgent = message.kind in ("escalation", "warning")
        buttons = message.buttons or [Button(label=t("notify.common.open", message.lang), url=message.link,
                                             style="primary")]
        body: dict = {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {"title": {"tag": "plain_text", "content": message.subject},
                           "template": "red" if urgent else "blue"},
                "elements": [
                    {"tag": "div", "text": {"tag": "lark_md", "content": content}},
                    {"tag": "action", "actions": [
                        {"tag": "button", "type": b.style, "url": b.url,
                         "text": {"tag": "plain_text", "content": b.label}} for b in buttons]},
                ],
            },
        }
        if self.secret:
            ts = timestamp_s if timestamp_s is not None else int(time.time())
            body = {"timestamp": str(ts), "sign": sign(self.secret, ts), **body}
        return body

    async def send(self, message: RenderedMessage) -> None:
        await post_json(self.name, self.url, self.payload(message), self.client, code_field="code")
