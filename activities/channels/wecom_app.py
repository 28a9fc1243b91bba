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

from urllib.parse import urlencode

import httpx

from activities.channels.message import ChannelError, Recipient, RenderedMessage
from activities.channels.platform import AccessToken, Accounts, reachable_by_mobile
from activities.channels.robot import clip_utf8, post_json
from activities.channels.wecom import WeComRobot

EXPIRED = {"40014", "42001"}
DESCRIPTION_BYTES = 512


class WeComAppMessage:
    name, group = "wecom_app", False
    platform = "wecom"

    def __init__(self, api_url: str, corp_id: str, secret: str, agent_id: str,
                 client: httpx.AsyncClient | None = None) -> None:  # fmt: skip
        self.api, self.agent_id, self.client = api_url.rstrip("/"), agent_id, client
        query = urlencode({"corpid": corp_id, "corpsecret": secret})
        self.token = AccessToken(lambda: self._fetch_token(query))
        self.accounts = Accounts(self.name, self._userid)

    reaches = staticmethod(reachable_by_mobile)

    async def _fetch_token(self, query: str) -> tuple[str, float]:
        answer = await post_json(self.name, f"{self.api}/cgi-bin/gettoken?{query}", None, self.client, method="GET")
        return answer["access_token"], float(answer.get("expires_in", 7200))

    async def _call(self, path: str, body: dict) -> dict:
        try:
            return await post_json(self.name, f"{self.api}{path}?access_token={await self.token.get()}", body,
                                   self.client)  # fmt: skip
        except ChannelError as err:
            if err.code in EXPIRED:
                self.token.forget()
            raise

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
