"""DingTalk work notices (钉钉工作通知): a personal message from the company's own app.

Documented calls (DingTalk open platform, https://open.dingtalk.com/document/orgapp/asynchronous-sending-of-enterprise-session-messages
and the access-token and user-by-mobile pages beside it):
- `GET /gettoken?appkey=…&appsecret=…` → `{"errcode": 0, "access_token", "expires_in": 7200}`;
- `POST /topapi/v2/user/getbymobile?access_token=…` `{"mobile"}` → `{"errcode": 0, "result": {"userid"}}`;
- `POST /topapi/message/corpconversation/asyncsend_v2?access_token=…` with `agent_id`,
  `userid_list` and `msg`: an `action_card` with `btn_json_list` (decision buttons) or
  `single_title`/`single_url` → `{"errcode": 0, "task_id"}`.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from activities.channels.message import ChannelError, Recipient, RenderedMessage
from activities.channels.platform import AccessToken, Accounts, reachable_by_mobile
from activities.channels.robot import post_json

EXPIRED = {"40014", "42001"}  # invalid / expired access_token


class DingTalkWorkNotice:
    name, group = "dingtalk_app", False
    platform = "dingtalk"

    def __init__(self, api_url: str, app_key: str, app_secret: str, agent_id: str,
                 client: httpx.AsyncClient | None = None) -> None:  # fmt: skip
        self.api, self.agent_id, self.client = api_url.rstrip("/"), agent_id, client
        query = urlencode({"appkey": app_key, "appsecret": app_secret})
        self.token = AccessToken(lambda: self._fetch_token(query))
        self.accounts = Accounts(self.name, self._userid)

    reaches = staticmethod(reachable_by_mobile)

    async def _fetch_token(self, query: str) -> tuple[str, float]:
        answer = await post_json(self.name, f"{self.api}/gettoken?{query}", None, self.client, method="GET")
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
        answer = await self._call("/topapi/v2/user/getbymobile", {"mobile": person.mobile})
        return (answer.get("result") or {}).get("userid")

    @staticmethod
    def msg(message: RenderedMessage) -> dict:
        card: dict = {"title": message.subject, "markdown": message.markdown}
        if len(message.buttons) > 1:
            card |= {"btn_orientation": "1", "btn_json_list": [{"title": b.label, "action_url": b.url}
                                                                for b in message.buttons]}  # fmt: skip
        else:
            first = message.buttons[0] if message.buttons else None
            card |= {"single_title": first.label if first else message.subject,
                     "single_url": first.url if first else message.link}  # fmt: skip
        return {"msgtype": "action_card", "action_card": card}

    async def send(self, message: RenderedMessage) -> None:
        users = [await self.accounts.of(p) for p in message.recipients if self.reaches(p)]
        if users:
            await self._call("/topapi/message/corpconversation/asyncsend_v2",
                             {"agent_id": self.agent_id, "userid_list": ",".join(users), "msg": self.msg(message)})
