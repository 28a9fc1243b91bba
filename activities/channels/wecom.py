"""WeCom (企业微信) group robot: one post per notification.

Documented format (WeCom developer docs, 群机器人配置说明,
https://developer.work.weixin.qq.com/document/path/91770 ): POST JSON to the robot's
webhook `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`. The answer is HTTP 200
with `{"errcode": 0, "errmsg": "ok"}`, a non-zero errcode on failure. Which message type:
- decision buttons → `template_card` (`card_type: text_notice`: `main_title`,
  `horizontal_content_list` of at most 6 `keyname`/`value`, `jump_list` of at most 3
  `{type: 1, url, title}`, a required `card_action`); a card cannot mention, so it names its
  addressees in `sub_title_text`;
- addressees with mobiles → `text` (at most 2048 bytes) with `mentioned_mobile_list`, the
  only type whose mentions work by mobile (markdown needs a WeCom userid);
- otherwise `markdown` (at most 4096 bytes).
"""

from __future__ import annotations

import httpx

from activities.channels.message import RenderedMessage
from activities.channels.robot import clip_utf8, post_json
from jindu.i18n import t

MARKDOWN_BYTES, TEXT_BYTES = 4096, 2048
CARD_FACTS, CARD_JUMPS = 6, 3


def _chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class WeComRobot:
    name, group = "wecom", True

    def __init__(self, url: str, client: httpx.AsyncClient | None = None) -> None:
        self.url, self.client = url, client

    @staticmethod
    def payload(message: RenderedMessage) -> dict:
        if len(message.buttons) > 1:
            return WeComRobot.template_card(message)
        opens = t("notify.common.open", message.lang)
        mobiles = [r.mobile for r in message.recipients if r.mobile]
        if mobiles:
            text = clip_utf8(f"{message.subject}\n{message.text}\n{opens}：{message.link}", TEXT_BYTES)
            return {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}}
        content = clip_utf8(f"{message.markdown}\n\n[{opens}]({message.link})", MARKDOWN_BYTES)
        return {"msgtype": "markdown", "markdown": {"content": content}}

    @staticmethod
    def template_card(message: RenderedMessage) -> dict:
        names = "、".join(r.name for r in message.recipients)
        sub = message.text.split("\n", 1)[0]
        if names:
            sub += "\n" + t("notify.common.addressed", message.lang, names=names)
        return {"msgtype": "template_card", "template_card": {
            "card_type": "text_notice",
            "main_title": {"title": _chars(message.subject, 26)},
            "sub_title_text": _chars(sub, 112),
            "horizontal_content_list": [{"keyname": _chars(label, 5), "value": _chars(value, 30)}
                                        for label, value in message.facts[:CARD_FACTS]],
            "jump_list": [{"type": 1, "url": b.url, "title": _chars(b.label, 13)}
                          for b in message.buttons[:CARD_JUMPS]],
            "card_action": {"type": 1, "url": message.link},
        }}  # fmt: skip

    async def send(self, message: RenderedMessage) -> None:
        await post_json(self.name, self.url, self.payload(message), self.client)
