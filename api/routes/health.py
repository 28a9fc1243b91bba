"""Liveness and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.auth import bearer
from api.errors import responses
from api.metrics import scraper_admitted
from api.schemas import Health

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    """200 `{"status": "ok"}` while the process serves requests; it checks no dependency."""
    return Health()


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text exposition format"},
               **responses(401, 403)},
)
async def metrics(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Response:
    """Needs `Authorization: Bearer <JINDU_METRICS_TOKEN>` (or an operations or auditor
    user's token; docs/production.md has Prometheus's scrape config). Request counts
    (`jindu_http_requests_total`) and latency histograms
    (`jindu_http_request_duration_seconds`) by method, route template and status, update
    latency (`jindu_api_update_duration_seconds`), process metrics, and the business
    figures from PostgreSQL (api/metrics.py): `jindu_projects`, `jindu_projects_overdue`,
    `jindu_projects_warning`, `jindu_rectification_tasks_open`, `jindu_escalations_total`,
    `jindu_notification_failures_total`."""
    app = request.app
    await scraper_admitted(app.state.pool, credentials.credentials if credentials else None,
                           app.state.settings.metrics_token)  # fmt: skip
    await app.state.metrics.refresh(app.state.pool, app.state.settings.metrics_cache_seconds)
    body, content_type = app.state.metrics.render()
    return Response(content=body, media_type=content_type)
