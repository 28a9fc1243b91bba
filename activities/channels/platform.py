"""What the platforms' application messaging shares (DingTalk 工作通知, WeCom 应用消息,
Feishu bot messages to a user): an access token fetched with the app's credentials and kept
until shortly before it expires, and each person's platform account found by the mobile (or
e-mail) they gave Jindu, remembered once found."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

import httpx

from activities.channels.message import ChannelError, Recipient
from activities.channels.robot import post_json

MARGIN = 300.0  # seconds: a token this close to expiry is fetched again


class AccessToken:
    def __init__(self, fetch: Callable[[], Awaitable[tuple[str, float]]]) -> None:
        self._fetch, self._lock = fetch, asyncio.Lock()
        self._token, self._until = "", 0.0

    async def get(self) -> str:
        async with self._lock:
            if not self._token or time.monotonic() > self._until:
                token, lifetime = await self._fetch()
                self._token, self._until = token, time.monotonic() + max(float(lifetime) - MARGIN, 30.0)
            return self._token

    def forget(self) -> None:
        """The platform refused the token (expired early, app secret rotated): fetch anew next time."""
        self._token = ""


class Accounts:
    """A person's platform account by their mobile or e-mail, looked up once per process."""

    def __init__(self, channel: str, lookup: Callable[[Recipient], Awaitable[str | None]]) -> None:
        self.channel, self._lookup = channel, lookup
        self._known: dict[str, str] = {}

    async def of(self, person: Recipient) -> str:
        key = person.mobile or person.email or ""
        if key not in self._known:
            found = await self._lookup(person)
            if not found:
                raise ChannelError(self.channel, f"no account for {person.name}", code="no_account")
            self._known[key] = found
        return self._known[key]


def reachable_by_mobile(person: Recipient) -> bool:
    return bool(person.mobile) and not person.is_customer  # the company's own app: staff only


class QueryTokenApp:
    """A company app whose access token rides in the query string (DingTalk 工作通知, WeCom
    应用消息): fetched from `token_path` with the app's credentials, reused until it expires,
    fetched anew when the platform calls it invalid (`EXPIRED` codes)."""

    name: str
    token_path: str
    EXPIRED = frozenset({"40014", "42001"})  # invalid / expired access_token

    def __init__(self, api_url: str, credentials: dict[str, str], agent_id: str,
                 client: httpx.AsyncClient | None = None) -> None:  # fmt: skip
        self.api, self.agent_id, self.client = api_url.rstrip("/"), agent_id, client
        query = urlencode(credentials)
        self.token = AccessToken(lambda: self._fetch_token(query))
        self.accounts = Accounts(self.name, self._userid)

    reaches = staticmethod(reachable_by_mobile)

    async def _fetch_token(self, query: str) -> tuple[str, float]:
        answer = await post_json(self.name, f"{self.api}{self.token_path}?{query}", None, self.client, method="GET")
        return answer["access_token"], float(answer.get("expires_in", 7200))

    async def _call(self, path: str, body: dict) -> dict:
        try:
            return await post_json(self.name, f"{self.api}{path}?access_token={await self.token.get()}", body,
                                   self.client)  # fmt: skip
        except ChannelError as err:
            if err.code in self.EXPIRED:
                self.token.forget()
            raise

    async def _userid(self, person: Recipient) -> str | None:
        raise NotImplementedError
