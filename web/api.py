"""How the workspace reaches the service: its pages and actions call the use cases directly
(jindu/services, the same the API and `jindu project` call) through `attempt`, which
answers a refusal exactly as the API would (its error handlers, api/errors.py). Nothing is
sent over HTTP, not even in-process. Rules, validation and errors are the service's; pages
only render them."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from api.errors import internal_error
from domain.errors import JinduError
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
    reason: tuple[str, dict[str, Any]] = ("", {})  # a refusal's catalogue key and parameters (domain/errors.py)

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


def reason_of(exc: BaseException) -> tuple[str, dict[str, Any]]:
    """A refusal's catalogue key and parameters (a workflow guard's too: the office raises
    them as the domain's errors, jindu/services/office.py)."""
    return (exc.key, exc.params) if isinstance(exc, JinduError) else ("", {})


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
        return Answer(response.status_code, json.loads(bytes(response.body)), response.headers.get("retry-after"),
                      reason=reason_of(exc))  # fmt: skip
    if isinstance(result, list):
        body: Any = [r.model_dump(mode="json") for r in result]
    else:
        body = result.model_dump(mode="json") if isinstance(result, BaseModel) else None  # e.g. a file to hand over
    return Answer(200, body, result=result)


class FormKeys:
    """The submitted form's id (web.session.check_csrf) and the keys its actions are sent with."""

    def __init__(self, user: User) -> None:
        self.user_id = user.id
        self.submission = ""  # the submitted form's id, if any

    def key(self, *names: str) -> str | None:
        """A form sent twice (a double click, a browser retry) applies its action once: each
        rendered form carries its own id, and each action it sends is keyed by it (the
        workflow's update id, or the intake's project id)."""
        if not SUBMISSION.fullmatch(self.submission):
            return None
        digest = hashlib.sha256("|".join((self.user_id, self.submission, *names)).encode()).hexdigest()[:40]
        return f"web-{digest}"
