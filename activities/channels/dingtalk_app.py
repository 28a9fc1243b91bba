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

import httpx

from activities.channels.message import Recipient, RenderedMessage
from activities.channels.platform import QueryTokenApp


class DingTalkWorkNotice(QueryTokenApp):
    name, group = "dingtalk_app", False
    platform = "dingtalk"
    token_path = "/gettoken"

    def __init__(self, api_url: str, app_key: str, app_secret: str, agent_id: str,
                 client: httpx.AsyncClient | None = None) -> None:  # fmt: skip
        super().__init__(api_url, {"appkey": app_key, "appsecret": app_secret}, agent_id, client)

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
