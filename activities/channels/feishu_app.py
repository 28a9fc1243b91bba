"""Feishu bot messages to a user (飞书应用机器人单聊): a personal card from the company's app.

Documented calls (Feishu open platform, https://open.feishu.cn/document/server-docs/im-v1/message/create,
…/authentication-management/access-token/tenant_access_token_internal,
…/contact-v3/user/batch_get_id):
- `POST /open-apis/auth/v3/tenant_access_token/internal` `{"app_id", "app_secret"}` →
  `{"code": 0, "tenant_access_token", "expire"}`;
- `POST /open-apis/contact/v3/users/batch_get_id?user_id_type=open_id` `{"mobiles": […]}` (or
  `emails`) → `{"code": 0, "data": {"user_list": [{"mobile" | "email", "user_id"}]}}`;
- `POST /open-apis/im/v1/messages?receive_id_type=open_id` with `Authorization: Bearer <token>`,
  `{"receive_id", "msg_type": "interactive", "content": "<the card as a JSON string>"}` → `{"code": 0}`.
"""

from __future__ import annotations

import json

import httpx

from activities.channels.feishu import FeishuBot
from activities.channels.message import ChannelError, Recipient, RenderedMessage
from activities.channels.platform import AccessToken, Accounts
from activities.channels.robot import post_json

EXPIRED = {"99991663", "99991661"}  # invalid / missing tenant access token


def reachable(person: Recipient) -> bool:
    return bool(person.mobile or person.email) and not person.is_customer


class FeishuBotMessage:
    name, group = "feishu_app", False
    platform = "feishu"

    def __init__(self, api_url: str, app_id: str, app_secret: str, client: httpx.AsyncClient | None = None) -> None:
        self.api, self.client = api_url.rstrip("/"), client
        self.token = AccessToken(lambda: self._fetch_token(app_id, app_secret))
        self.accounts = Accounts(self.name, self._open_id)

    reaches = staticmethod(reachable)

    async def _fetch_token(self, app_id: str, app_secret: str) -> tuple[str, float]:
        answer = await post_json(self.name, f"{self.api}/open-apis/auth/v3/tenant_access_token/internal",
                                 {"app_id": app_id, "app_secret": app_secret}, self.client, "code")  # fmt: skip
        return answer["tenant_access_token"], float(answer.get("expire", 7200))

    async def _call(self, path: str, body: dict) -> dict:
        headers = {"Authorization": f"Bearer {await self.token.get()}"}
        try:
            return await post_json(self.name, f"{self.api}{path}", body, self.client, "code", headers=headers)
        except ChannelError as err:
            if err.code in EXPIRED:
                self.token.forget()
            raise

    async def _open_id(self, person: Recipient) -> str | None:
        ask = {"mobiles": [person.mobile]} if person.mobile else {"emails": [person.email]}
        answer = await self._call("/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id", ask)
        found = [u.get("user_id") for u in (answer.get("data") or {}).get("user_list", []) if u.get("user_id")]
        return found[0] if found else None

    async def send(self, message: RenderedMessage) -> None:
        card = FeishuBot(self.api).payload(message.to([]))["card"]  # no @mention in a one-to-one chat
        for person in message.recipients:
            if self.reaches(person):
                await self._call("/open-apis/im/v1/messages?receive_id_type=open_id", {
                    "receive_id": await self.accounts.of(person), "msg_type": "interactive",
                    "content": json.dumps(card, ensure_ascii=False)})  # fmt: skip
