"""Prometheus metrics of the API process (issue 8: business metrics).

- HTTP request counts and latency by route and status, and the latency of updates
  (POST/PUT on /v1) by route: `jindu_api_update_duration_seconds`.
- Business gauges computed from PostgreSQL at scrape time, cached for
  JINDU_METRICS_CACHE_SECONDS: projects by stage and department, overdue and warning
  counts, open rectification tasks per department.
- Counters read from append-only tables: escalations (`events` of kind `escalation`) by
  department, and notification failures (`notification_failures`) by channel.

Each app has its own registry, so apps built side by side (tests) never collide.

/metrics is not public (it carries per-department counts): it answers a bearer token, either
JINDU_METRICS_TOKEN (what Prometheus sends) or an active operations or auditor user's token
(`scraper_admitted`); anyone else gets the JSON 401 or 403.
"""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime

import asyncpg
import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from domain.errors import Forbidden, Unauthorized
from domain.models import Role
from store import figures, reconcile
from store.users import user_by_token

log = structlog.get_logger(__name__)
UPDATE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SCRAPER_ROLES = frozenset({Role.operations, Role.auditor})


async def scraper_admitted(pool: asyncpg.Pool, token: str | None, metrics_token: str | None) -> None:
    """Raises unless `token` is the metrics token or an operations or auditor user's."""
    if not token:
        raise Unauthorized("missing bearer token: /metrics needs JINDU_METRICS_TOKEN or an operations "
                           "or auditor token", "metrics_token_missing")  # fmt: skip
    if metrics_token and hmac.compare_digest(token.encode(), metrics_token.encode()):
        return
    user = await user_by_token(pool, token)
    if user is None:
        raise Unauthorized("unknown bearer token", "token_unknown")
    if user.role not in SCRAPER_ROLES:
        raise Forbidden(f"only operations or auditor may read /metrics, not a {user.role.value}",
                        "role_may", roles=["operations", "auditor"], role=user.role.value)


class BusinessCollector:
    """Yields the last snapshot read from PostgreSQL (`refresh` reads a new one)."""

    def __init__(self) -> None:
        self.snapshot: dict | None = None
        self.taken_at = 0.0
        self.up = 0

    async def refresh(self, pool: asyncpg.Pool, max_age: float) -> None:
        if self.snapshot is not None and time.monotonic() - self.taken_at < max_age:
            return
        try:
            async with pool.acquire() as conn:
                self.snapshot = {
                    "stages": await figures.projects_by_stage(conn),
                    "departments": await figures.department_figures(conn, datetime.now(UTC)),
                    "escalations": await figures.escalations_by_department(conn),
                    "failures": await figures.notification_failures(conn),
                    "divergences": await reconcile.divergences(conn),
                }
            self.taken_at, self.up = time.monotonic(), 1
        except (OSError, asyncpg.PostgresError) as err:
            self.up = 0
            log.warning("business metrics not refreshed", error=str(err))

    def collect(self):
        up = GaugeMetricFamily("jindu_business_metrics_up", "1 if the last read of the business figures worked")
        up.add_metric([], self.up)
        yield up
        if self.snapshot is None:
            return
        s = self.snapshot
        projects = GaugeMetricFamily(
            "jindu_projects", "Projects by stage and department", labels=["stage", "department"]
        )
        for row in s["stages"]:
            projects.add_metric([row.stage, row.department], row.projects)
        overdue = GaugeMetricFamily("jindu_projects_overdue", "Running projects with an overdue action or task",
                                    labels=["department"])
        warning = GaugeMetricFamily("jindu_projects_warning", "Running projects with an active progress warning",
                                    labels=["department"])
        tasks = GaugeMetricFamily("jindu_rectification_tasks_open", "Open rectification tasks", labels=["department"])
        for d in s["departments"]:
            overdue.add_metric([d.department], d.overdue)
            warning.add_metric([d.department], d.warning)
            tasks.add_metric([d.department], d.open_tasks)
        escalations = CounterMetricFamily("jindu_escalations", "Escalations recorded", labels=["department"])
        for e in s["escalations"]:
            escalations.add_metric([e.department], e.escalations)
        failures = CounterMetricFamily("jindu_notification_failures", "Failed notification sends (each retried)",
                                       labels=["channel"])
        for channel, count in sorted(s["failures"].items()):
            failures.add_metric([channel], count)
        divergences = CounterMetricFamily(
            "jindu_record_divergences", "Times the records differed from what Temporal decided, and were repaired: "
            "superseded (a lost workflow task), conflict, reset, terminated, reconciled", labels=["kind"])  # fmt: skip
        for kind, count in sorted(s.get("divergences", {}).items()):
            divergences.add_metric([kind], count)
        yield from (projects, overdue, warning, tasks, escalations, failures, divergences)


class HttpMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.requests = Counter(
            "jindu_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jindu_http_request_duration_seconds",
            "HTTP request latency in seconds, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.updates = Histogram(
            "jindu_api_update_duration_seconds",
            "Latency of API actions (POST/PUT/PATCH/DELETE on /v1) in seconds, by route template and status class",
            ["route", "outcome"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
            registry=self.registry,
        )
        self.business = BusinessCollector()
        self.registry.register(self.business)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = {"method": method, "route": route, "status": str(status)}
        self.requests.labels(**labels).inc()
        self.latency.labels(**labels).observe(seconds)
        if method in UPDATE_METHODS and route.startswith("/v1/"):
            self.updates.labels(route=route, outcome=f"{status // 100}xx").observe(seconds)

    async def refresh(self, pool: asyncpg.Pool | None, max_age: float) -> None:
        if pool is not None:
            await self.business.refresh(pool, max_age)

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
