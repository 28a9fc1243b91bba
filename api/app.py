"""The FastAPI application: `create_app()` wires routes, errors, logging and metrics.

What is passed in (tests, `jindu dev`) is used as is and left open; what is missing is
created by the lifespan from the settings and closed by it.
"""

from __future__ import annotations

import time
import uuid
from contextlib import asynccontextmanager

import asyncpg
import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import Client

from api.docs import install_offline_docs
from api.errors import install_error_handlers, internal_error
from api.metrics import HttpMetrics
from api.openapi_notes import install_openapi_notes
from api.process_app import install_processes
from api.routes import (
    actions,
    appraisal,
    archive,
    attachments,
    calendar,
    code_names,
    complaints,
    customers,
    dashboard,
    health,
    kpis,
    operations,
    projects,
    revisits,
    risks,
    suggestions,
    tasks,
    users,
)
from api.security_headers import SecurityHeaders
from domain.policy import ProjectPolicy
from jindu.settings import Settings, get_settings
from store.crypto import DataCipher
from store.files import files_of
from web import install_workspace

log = structlog.get_logger("jindu.api")


class RequestContext:
    """Binds a request id for every log line of a request, logs and counts each request,
    and answers unexpected errors with the JSON `internal` error."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        status, started = 500, False
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                log.exception("unhandled error", method=scope["method"], path=scope["path"])
                if started:
                    raise
                await internal_error()(scope, receive, send_with_id)
            finally:
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                seconds = time.perf_counter() - began
                self.metrics.observe(scope["method"], template, status, seconds)
                log.info("request", method=scope["method"], path=scope["path"], route=template,
                         status=status, duration_ms=round(seconds * 1000, 1))


def create_app(
    settings: Settings | None = None,
    *,
    client: Client | None = None,
    pool: asyncpg.Pool | None = None,
    cipher: DataCipher | None = None,
    policy: ProjectPolicy | None = None,
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from jindu.temporal import connect_temporal
        from store.db import create_pool

        state = app.state
        state.pool, state.client, state.cipher, state.policy = pool, client, cipher, policy
        own_pool = None
        if state.pool is None:
            if not settings.database_url:
                raise RuntimeError("JINDU_DATABASE_URL is not set")
            own_pool = state.pool = await create_pool(settings.database_url)
        try:
            if state.client is None:
                state.client = await connect_temporal(settings, lazy=True)
            if state.cipher is None:
                state.cipher = DataCipher(settings.data_key_bytes())
            if state.policy is None:
                state.policy = settings.policy()
            from store.contacts import index_addresses  # issue 17: people found by e-mail or mobile

            await index_addresses(state.pool, state.cipher)
            log.info("api ready", task_queue=settings.task_queue)
            yield
        finally:
            if own_pool is not None:
                await own_pool.close()

    app = FastAPI(
        title="Jindu",
        version="1",
        summary="Progress management for intermediary businesses",
        description="Each client project is a long-lived Temporal workflow; people act through this API. "
        "Errors are `{\"error\": {\"code\", \"message\"}}`. Authenticate with `Authorization: Bearer <token>`.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.pool, app.state.client, app.state.cipher, app.state.policy = pool, client, cipher, policy
    app.state.metrics = HttpMetrics()
    app.state.files = files_of(settings)  # made once; the bucket or directory is opened on first use
    install_error_handlers(app)
    for module in (projects, actions, operations, risks, revisits, complaints, suggestions, tasks, kpis, appraisal,
                   calendar, users, dashboard, health, customers):
        app.include_router(module.router)
    app.include_router(attachments.router)
    app.include_router(archive.router)
    app.include_router(code_names.router)  # issue 17: departments and business types
    install_processes(app)  # issue 15: processes as data (routes, /metrics figures)
    install_offline_docs(app)
    install_openapi_notes(app)
    install_workspace(app)
    app.add_middleware(RequestContext, metrics=app.state.metrics)
    app.add_middleware(SecurityHeaders)  # outermost: even an unexpected error's answer carries them
    return app
