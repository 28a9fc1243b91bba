"""Every error the API answers, mapped to `{"error": {"code", "message"}}` in one place.

Sources: typed domain errors, request validation, HTTP errors from routing, the workflow's
update validators (which reject with `ApplicationError(type=<code>)`), and outages: when
PostgreSQL or Temporal cannot be reached an action answers 503 `unavailable` with
`Retry-After` and `may_have_applied`, never 500.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import ERRORS_BY_CODE, JinduError, Unavailable

log = structlog.get_logger(__name__)
RETRY_AFTER_SECONDS = 5
CODES_BY_STATUS = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                   405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid"}  # fmt: skip
# PostgreSQL unreachable, restarting or shutting down (class 57 operator intervention,
# class 08 connection exceptions), the pool closed under us, a connect/command timeout, or
# the client's protocol state torn by a connection that died mid-reset (InternalClientError).
DB_OUTAGES = (OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
              asyncpg.exceptions.OperatorInterventionError, asyncpg.exceptions.TooManyConnectionsError,
              asyncpg.exceptions.InternalClientError)  # fmt: skip
TEMPORAL_OUTAGES = frozenset({RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED,
                              RPCStatusCode.RESOURCE_EXHAUSTED, RPCStatusCode.ABORTED, RPCStatusCode.UNKNOWN})


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = Field(default=None, description="Field errors of a 422")
    may_have_applied: bool | None = Field(
        default=None, description="503 only: false when nothing was applied; true when the action may have "
        "been applied — retry it with the same Idempotency-Key, which applies it at most once")  # fmt: skip


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:  # fmt: skip
    body: dict[str, Any] = {"code": code, "message": message, **extra}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def internal_error() -> JSONResponse:
    return error_response(500, "internal", "internal error; the request id in X-Request-ID identifies it in the logs")


def unavailable(message: str, may_have_applied: bool) -> JSONResponse:
    return error_response(503, "unavailable", message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                          may_have_applied=may_have_applied)  # fmt: skip


def sent(request: Request) -> bool:
    """Whether this request already sent its action to Temporal (api/deps.py)."""
    return bool(getattr(request.state, "sent_to_temporal", False))


async def _jindu_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, JinduError)
    if isinstance(exc, Unavailable):
        return unavailable(exc.message, exc.may_have_applied or sent(request))
    headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
    return error_response(exc.http_status, exc.code, exc.message, headers=headers)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc) or "request"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # The offending input is left out on purpose: it may be customer personal data.
    details = [{"field": _field(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
               for e in exc.errors()]  # fmt: skip
    message = "invalid request: " + "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return error_response(422, "invalid", message[:2000], details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = CODES_BY_STATUS.get(exc.status_code, "error")
    return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))


async def _update_failed(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WorkflowUpdateFailedError)
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type in ERRORS_BY_CODE:
        err = ERRORS_BY_CODE[cause.type]
        return error_response(err.http_status, err.code, cause.message)
    log.error("workflow update failed", exc_info=exc)
    return internal_error()


async def _rpc_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RPCError)
    if exc.status == RPCStatusCode.NOT_FOUND:
        # Routes check the project row first, so a workflow that is gone has finished.
        if "completed" in exc.message or "closed" in exc.message:
            return error_response(409, "wrong_stage", "the project's workflow has already finished")
        return error_response(404, "not_found", "no such project workflow")
    if exc.status in TEMPORAL_OUTAGES:
        log.warning("temporal unavailable", status=exc.status.name, message=exc.message)
        return unavailable("Temporal cannot be reached; try again shortly", may_have_applied=sent(request))
    log.error("temporal request failed", status=exc.status.name, exc_info=exc)
    return internal_error()


async def _runtime_error(request: Request, exc: Exception) -> JSONResponse:
    # A lazy Temporal client that cannot connect raises the bridge's RuntimeError, not an
    # RPCError; nothing was sent.
    if str(exc).startswith("Failed client connect"):
        log.warning("temporal unavailable", error=str(exc))
        return unavailable("Temporal cannot be reached; try again shortly", may_have_applied=False)
    log.error("unhandled error", method=request.method, path=request.url.path, exc_info=exc)
    return internal_error()


async def _update_timeout(request: Request, exc: Exception) -> JSONResponse:
    return unavailable("Temporal did not answer in time; the action may still be applied", may_have_applied=True)


async def _db_outage(request: Request, exc: Exception) -> JSONResponse:
    log.warning("postgresql unavailable", error=f"{type(exc).__name__}: {exc}")
    return unavailable("the database cannot be reached; try again shortly", may_have_applied=sent(request))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(JinduError, _jindu_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(WorkflowUpdateFailedError, _update_failed)
    app.add_exception_handler(WorkflowUpdateRPCTimeoutOrCancelledError, _update_timeout)
    app.add_exception_handler(RPCError, _rpc_error)
    app.add_exception_handler(RuntimeError, _runtime_error)
    for outage in DB_OUTAGES:
        app.add_exception_handler(outage, _db_outage)
    # Anything else is caught by the request middleware (api/app.py), which logs it and
    # answers `internal`: Starlette's catch-all handler would re-raise after answering.


# OpenAPI `responses=` entries shared by the routes.
TEXT = {
    400: "Malformed request, e.g. a body that is not JSON (`invalid`)",
    401: "No or unknown bearer token (`unauthorized`)",
    403: "The caller's role or department forbids this (`forbidden`)",
    404: "No such project or task visible to the caller (`not_found`)",
    409: "Not allowed in the current stage, already decided, or a conflicting id "
         "(`wrong_stage`, `already_decided`, `conflict`)",
    422: "Invalid body or parameters (`invalid`), field errors under `error.details`",
    503: "PostgreSQL or Temporal cannot be reached (`unavailable`); `Retry-After` says when to try again and "
         "`error.may_have_applied` whether the action may have taken effect",
}  # fmt: skip


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    out: dict[int | str, dict[str, Any]] = {}
    for s in (*statuses, 503):
        out[s] = {"model": ErrorBody, "description": TEXT[s]}
        if s == 503:
            out[s]["headers"] = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
    return out
