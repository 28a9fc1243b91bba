"""The Temporal worker: ProjectWorkflow plus the activities that write PostgreSQL and notify."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.channels import build_router
from activities.channels.deliver import NotificationDelivery
from activities.notifier import Notifier, WebhookChannel
from activities.project import ProjectActivities
from jindu.settings import Settings
from store.crypto import DataCipher
from workflows.project import ProjectWorkflow

log = structlog.get_logger(__name__)


def sdk_metrics_runtime(settings: Settings) -> Runtime | None:
    """A Temporal runtime that serves the SDK's own Prometheus metrics on
    JINDU_WORKER_METRICS_ADDRESS (host:port, path /metrics); None when unset."""
    if not settings.worker_metrics_address:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=settings.worker_metrics_address)))


def build_worker(
    client: Client,
    *,
    pool: asyncpg.Pool,
    notifier: Notifier,
    cipher: DataCipher,
    task_queue: str,
    delivery: NotificationDelivery | None = None,
) -> Worker:
    acts = ProjectActivities(pool, notifier, cipher, delivery)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ProjectWorkflow],
        activities=[acts.record_steps, acts.notify, acts.archive_project],
    )


async def run_worker(
    settings: Settings,
    *,
    client: Client,
    pool: asyncpg.Pool,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (or forever); the caller owns the client and the pool."""
    worker = build_worker(
        client,
        pool=pool,
        # The log line comes from the channels below (Chinese, with the workspace link); the
        # older generic robot text (JINDU_WEBHOOK_URL) still goes out when set.
        notifier=Notifier([WebhookChannel(settings.webhook_url)] if settings.webhook_url else []),
        cipher=DataCipher(settings.data_key_bytes()),
        task_queue=settings.task_queue,
        delivery=NotificationDelivery(build_router(settings), public_url=settings.public_url,
                                      timezone=settings.policy().calendar.timezone),
    )
    log.info("worker starting", task_queue=settings.task_queue, namespace=settings.temporal_namespace)
    try:
        async with worker:
            await (stop.wait() if stop else asyncio.Event().wait())
    finally:
        log.info("worker stopped")
