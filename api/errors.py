"""Every error the API answers, mapped to `{"error": {"code", "message"}}` in one place.

Sources: typed domain errors, request validation, HTTP errors from routing, and the
workflow's update validators, which reject with `ApplicationError(type=<code>)`.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import ERRORS_BY_CODE, JinduError

log = structlog.get_logger(__name__)

CODES_BY_STATUS = {
    400: "invalid",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def internal_error() -> JSONResponse:
    return error_response(500, "internal", "internal error; the request id in X-Request-ID identifies it in the logs")


def _from_jindu(err: JinduError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if err.http_status == 401 else None
    return error_response(err.http_status, err.code, err.message, headers=headers)


async def _jindu_error(request: Request, exc: JinduError) -> JSONResponse:
    return _from_jindu(exc)


def _field(loc: tuple | list) -> str:
    return ".".join(str(part) for part in loc) or "request"


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # The offending input is left out on purpose: it may be customer personal data.
    details = [{"field": _field(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
               for e in exc.errors()]
    message = "invalid request: " + "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return error_response(422, "invalid", message, details)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = CODES_BY_STATUS.get(exc.status_code, "error")
    return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))


async def _update_failed(request: Request, exc: WorkflowUpdateFailedError) -> JSONResponse:
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type in ERRORS_BY_CODE:
        err = ERRORS_BY_CODE[cause.type]
        return error_response(err.http_status, err.code, cause.message)
    log.error("workflow update failed", exc_info=exc)
    return internal_error()


async def _rpc_error(request: Request, exc: RPCError) -> JSONResponse:
    if exc.status == RPCStatusCode.NOT_FOUND:
        # Routes check the project row first, so a workflow that is gone has finished.
        if "completed" in exc.message:
            return error_response(409, "wrong_stage", "the project's workflow has already finished")
        return error_response(404, "not_found", "no such project workflow")
    log.error("temporal request failed", status=exc.status.name, exc_info=exc)
    return internal_error()


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(JinduError, _jindu_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(WorkflowUpdateFailedError, _update_failed)
    app.add_exception_handler(RPCError, _rpc_error)
    # Anything else is caught by the request middleware (api/app.py), which logs it and
    # answers `internal`: Starlette's catch-all handler would re-raise after answering.


# OpenAPI `responses=` entries shared by the routes.
def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "No or unknown bearer token (`unauthorized`)",
        403: "The caller's role or department forbids this (`forbidden`)",
        404: "No such project or task visible to the caller (`not_found`)",
        409: "Not allowed in the current stage, already decided, or a conflicting id "
             "(`wrong_stage`, `already_decided`, `conflict`)",
        422: "Invalid body or parameters (`invalid`), field errors under `error.details`",
    }
    return {s: {"model": ErrorBody, "description": text[s]} for s in statuses}
