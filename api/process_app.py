"""Processes in the app (issue 15), installed by one call in api/app.py: their routes, and their
figures in /metrics by template (a collector refreshed with the business figures)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI
from prometheus_client.core import GaugeMetricFamily

from api.routes import processes
from store.process_figures import TemplateFigures, figures

log = structlog.get_logger(__name__)


class ProcessCollector:
    def __init__(self) -> None:
        self.figures: list[TemplateFigures] = []

    async def refresh(self, pool: asyncpg.Pool) -> None:
        try:
            self.figures = await figures(pool)
        except (asyncpg.PostgresError, OSError) as err:
            log.warning("process figures not refreshed", error=str(err))

    def collect(self) -> Iterator[GaugeMetricFamily]:
        instances = GaugeMetricFamily("jindu_process_instances", "Process instances by template and status",
                                      labels=["template", "status"])  # fmt: skip
        overdue = GaugeMetricFamily("jindu_process_overdue", "Running instances past their node's deadline",
                                    labels=["template"])  # fmt: skip
        node = GaugeMetricFamily("jindu_process_node_seconds", "Time spent at a node (quantiles 0.5 and 0.9)",
                                 labels=["template", "node", "quantile"])  # fmt: skip
        response = GaugeMetricFamily("jindu_process_response_seconds", "An approver's median response time",
                                     labels=["template", "approver"])  # fmt: skip
        for f in self.figures:
            for status, n in sorted(f.by_status.items()):
                instances.add_metric([f.template, status], n)
            overdue.add_metric([f.template], f.overdue)
            for n_ in f.nodes:
                for q, v in (("0.5", n_.median_seconds), ("0.9", n_.p90_seconds)):
                    if v is not None:
                        node.add_metric([f.template, n_.node, q], v)
            for a in f.approvers:
                if a.median_seconds is not None:
                    response.add_metric([f.template, a.name or a.user_id or ""], a.median_seconds)
        yield from (instances, overdue, node, response)


def install_processes(app: FastAPI) -> None:
    app.include_router(processes.router)
    collector = ProcessCollector()
    metrics = app.state.metrics
    metrics.registry.register(collector)
    inner = metrics.refresh

    async def refresh(pool: asyncpg.Pool | None, max_age: float, *args: Any, **kwargs: Any) -> None:
        await inner(pool, max_age, *args, **kwargs)
        if pool is not None:
            await collector.refresh(pool)

    metrics.refresh = refresh
