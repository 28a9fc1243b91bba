"""WeCom application messages (企业微信应用消息): a personal message from the company's app.

Documented calls (WeCom developer docs, https://developer.work.weixin.qq.com/document/path/90236
发送应用消息, 91437 获取 access_token, 95402 手机号获取 userid):
- `GET /cgi-bin/gettoken?corpid=…&corpsecret=…` → `{"errcode": 0, "access_token", "expires_in": 7200}`;
- `POST /cgi-bin/user/getuserid?access_token=…` `{"mobile"}` → `{"errcode": 0, "userid"}`;
- `POST /cgi-bin/message/send?access_token=…` with `touser`, `agentid` and either a
  `template_card` (`text_notice` with `jump_list`: decision buttons) or a `textcard`
  (`title`, `description`, `url`, `btntxt`) → `{"errcode": 0}`.
"""

from __future__ import annotations

import httpx

from activities.channels.message import Recipient, RenderedMessage
from activities.channels.platform import QueryTokenApp
from activities.channels.robot import clip_utf8
from activities.channels.wecom import WeComRobot

DESCRIPTION_BYTES = 512


class WeComAppMessage(QueryTokenApp):
    name, group = "wecom_app", False
    platform = "wecom"
    token_path = "/cgi-bin/gettoken"

    def __init__(self, api_url: str, corp_id: str, secret: str, agent_id: str,
                 client: httpx.AsyncClient | None = None) -> None:  # fmt: skip
        super().__init__(api_url, {"corpid": corp_id, "corpsecret": secret}, agent_id, client)

    async def _userid(self, person: Recipient) -> str | None:
        return (await self._call("/cgi-bin/user/getuserid", {"mobile": person.mobile})).get("userid")

    def body(self, message: RenderedMessage, touser: str) -> dict:
        if len(message.buttons) > 1:
            card = WeComRobot.template_card(message)
            return {"touser": touser, "agentid": self.agent_id, **card}
        first = message.buttons[0] if message.buttons else None
        return {"touser": touser, "agentid": self.agent_id, "msgtype": "textcard",
                "textcard": {"title": message.subject, "description": clip_utf8(message.text, DESCRIPTION_BYTES),
                             "url": first.url if first else message.link,
                             "btntxt": first.label if first else message.subject}}  # fmt: skip

    async def send(self, message: RenderedMessage) -> None:
        users = [await self.accounts.of(p) for p in message.recipients if self.reaches(p)]
        if users:
            await self._call("/cgi-bin/message/send", self.body(message, "|".join(users)))
