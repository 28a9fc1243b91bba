"""How the workspace reaches the service: its actions call the use cases directly
(jindu/services, the same the API and `jindu project` call) through `attempt`, which
answers a refusal exactly as the API would (its error handlers, api/errors.py). Pages not
yet moved to the use cases read the `/v1/...` routes in-process as the signed-in user
(`WorkspaceApi`). Rules, validation and errors are the service's; pages only render them."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth import WEB_USER_SCOPE_KEY
from api.errors import internal_error
from api.idempotency import KEY_HEADER
from store.users import User

log = structlog.get_logger(__name__)

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
    result: Any = None  # a use case's own answer (typed), when it answered

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


def as_body(model: type[BaseModel], fields: dict[str, Any]) -> Any:
    """A form's fields as the use case's typed body, read as the API reads JSON (a refusal
    names the fields under `body`, as the API's does)."""
    try:
        return model.model_validate_json(json.dumps(fields))
    except ValidationError as err:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in err.errors()]) from None


async def attempt(request: Request, work: Awaitable[Any]) -> Answer:
    """Run a use case: its result as JSON, or its refusal answered by the API's own error
    handlers (one mapping: 403, 404, 409, 422, 503 read the same on a page as over HTTP)."""
    try:
        result = await work
    except Exception as exc:
        handler = next((request.app.exception_handlers[c] for c in type(exc).__mro__
                        if c in request.app.exception_handlers and c is not Exception), None)  # fmt: skip
        if handler is None:
            log.error("workspace action failed", path=request.url.path, exc_info=exc)
            response = internal_error()
        else:
            response = await handler(request, exc)
        return Answer(response.status_code, json.loads(bytes(response.body)), response.headers.get("retry-after"))
    body = [r.model_dump(mode="json") for r in result] if isinstance(result, list) else result.model_dump(mode="json")
    return Answer(200, body, result=result)


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
        self.user_id = user.id
        self.submission = ""  # the submitted form's id (web.session.check_csrf), if any

    def key(self, *names: str) -> str | None:
        """A form sent twice (a double click, a browser retry) applies its action once: each
        rendered form carries its own id, and each action it sends is keyed by it (the
        workflow's update id for a use case, the Idempotency-Key over HTTP)."""
        if not SUBMISSION.fullmatch(self.submission):
            return None
        digest = hashlib.sha256("|".join((self.user_id, self.submission, *names)).encode()).hexdigest()[:40]
        return f"web-{digest}"

    def _idempotency(self, method: str, path: str) -> dict[str, str]:
        key = None if method == "GET" else self.key(method, path)
        return {KEY_HEADER: key} if key else {}

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
