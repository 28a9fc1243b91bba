"""Liveness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

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
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text exposition format"}},
)
async def metrics(request: Request) -> Response:
    """Request counts (`jindu_http_requests_total`) and latency histograms
    (`jindu_http_request_duration_seconds`) by method, route template and status, update
    latency (`jindu_api_update_duration_seconds`), process metrics, and the business
    figures from PostgreSQL (api/metrics.py): `jindu_projects`, `jindu_projects_overdue`,
    `jindu_projects_warning`, `jindu_rectification_tasks_open`, `jindu_escalations_total`,
    `jindu_notification_failures_total`."""
    app = request.app
    await app.state.metrics.refresh(app.state.pool, app.state.settings.metrics_cache_seconds)
    body, content_type = app.state.metrics.render()
    return Response(content=body, media_type=content_type)
