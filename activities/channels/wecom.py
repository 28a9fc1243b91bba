"""WeCom (企业微信) group robot.

Documented format (WeCom developer docs, 群机器人配置说明,
https://developer.work.weixin.qq.com/document/path/91770 ): POST JSON to the robot's
webhook `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`;
`{"msgtype": "markdown", "markdown": {"content": …}}` with content at most 4096 bytes
UTF-8. The answer is HTTP 200 with `{"errcode": 0, "errmsg": "ok"}`, a non-zero errcode
on failure. @mentions by mobile (`mentioned_mobile_list`) are documented for `text`
messages only (markdown mentions need a WeCom userid, `<@userid>`), so when recipients
have mobiles a short `text` message follows with `mentioned_mobile_list`.
"""

from __future__ import annotations

import httpx

from activities.channels.message import RenderedMessage
from activities.channels.robot import clip_utf8, post_json
from jindu.i18n import t

MARKDOWN_BYTES, TEXT_BYTES = 4096, 2048


class WeComRobot:
    name, group = "wecom", True

    def __init__(self, url: str, client: httpx.AsyncClient | None = None) -> None:
        self.url, self.client = url, client

    @staticmethod
    def payloads(message: RenderedMessage) -> list[dict]:
        content = clip_utf8(f"{message.markdown}\n\n[{t('notify.common.open', message.lang)}]({message.link})",
                            MARKDOWN_BYTES)
        bodies: list[dict] = [{"msgtype": "markdown", "markdown": {"content": content}}]
        mobiles = [r.mobile for r in message.recipients if r.mobile]
        if mobiles:
            names = "、".join(r.name for r in message.recipients if r.mobile)
            text = clip_utf8(t("notify.common.mention", message.lang, names=names, subject=message.subject), TEXT_BYTES)
            bodies.append({"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}})
        return bodies

    async def send(self, message: RenderedMessage) -> None:
        for body in self.payloads(message):
            await post_json(self.name, self.url, body, self.client)
