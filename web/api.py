"""The workspace is a client of the JSON API: every read and every action goes through the
`/v1/...` routes, in-process, as the signed-in user. Rules, validation and errors are the
API's; the pages only render them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import WEB_USER_SCOPE_KEY
from api.idempotency import KEY_HEADER
from store.users import User

SUBMISSION = re.compile(r"[0-9a-f]{32}")


def seg(value: str) -> str:
    """One path segment, quoted: an id from a page URL cannot reach another API route."""
    return quote(value, safe="")


@dataclass
class Answer:
    """One API response: status and JSON body; `error` is the contract's error object."""

    status: int
    body: Any
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> dict[str, Any]:
        if self.ok:
            return {}
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"]
        return {"code": "internal", "message": ""}


class _AsUser:
    """The app, with the signed-in user put where `api.auth.current_user` finds it."""

    def __init__(self, app: ASGIApp, user: User) -> None:
        self.app, self.user = app, user

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app({**scope, WEB_USER_SCOPE_KEY: self.user}, receive, send)


class WorkspaceApi:
    """`await api.get("/v1/tasks")`, `await api.post("/v1/projects/x/decisions", {...})`."""

    def __init__(self, app: ASGIApp, user: User, request_id: str | None = None) -> None:
        self._transport = httpx.ASGITransport(app=_AsUser(app, user))
        self._headers = {"x-request-id": request_id} if request_id else {}
        self.submission = ""  # the submitted form's id (web.session.check_csrf), if any

    def _idempotency(self, method: str, path: str) -> dict[str, str]:
        """A form sent twice (a double click, a browser retry) applies its action once: each
        rendered form carries its own id, and each action it sends is keyed by it."""
        if method == "GET" or not SUBMISSION.fullmatch(self.submission):
            return {}
        digest = hashlib.sha256(f"{self.submission}|{method}|{path}".encode()).hexdigest()[:40]
        return {KEY_HEADER: f"web-{digest}"}

    async def _call(self, method: str, path: str, **kwargs: Any) -> Answer:
        headers = {**self._headers, **self._idempotency(method, path)}
        async with httpx.AsyncClient(transport=self._transport, base_url="http://workspace.jindu",
                                     headers=headers, trust_env=False) as http:
            r = await http.request(method, path, **kwargs)
        try:
            body = r.json()
        except ValueError:
            body = None
        return Answer(r.status_code, body, r.headers.get("retry-after"))

    async def download(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """A GET answered with a file (CSV, XLSX): the whole response, its body read."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        async with httpx.AsyncClient(transport=self._transport, base_url="http://workspace.jindu",
                                     headers=self._headers, trust_env=False) as http:
            return await http.get(path, params=clean)

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Answer:
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        return await self._call("GET", path, params=clean)

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Answer:
        return await self._call("POST", path, json=body if body is not None else {})

    async def put(self, path: str, body: dict[str, Any]) -> Answer:
        return await self._call("PUT", path, json=body)

    async def patch(self, path: str, body: dict[str, Any]) -> Answer:
        return await self._call("PATCH", path, json=body)
