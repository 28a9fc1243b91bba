"""The Temporal worker: ProjectWorkflow plus the activities that write PostgreSQL and notify."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.worker import Worker

from activities.notifier import Notifier, build_notifier
from activities.project import ProjectActivities
from jindu.settings import Settings
from store.crypto import DataCipher
from workflows.project import ProjectWorkflow

log = structlog.get_logger(__name__)


def build_worker(
    client: Client,
    *,
    pool: asyncpg.Pool,
    notifier: Notifier,
    cipher: DataCipher,
    task_queue: str,
    max_cached_workflows: int = 1000,
) -> Worker:
    acts = ProjectActivities(pool, notifier, cipher)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ProjectWorkflow],
        activities=[acts.record_steps, acts.notify, acts.archive_project],
        max_cached_workflows=max_cached_workflows,
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
        notifier=build_notifier(settings.webhook_url),
        cipher=DataCipher(settings.data_key_bytes()),
        task_queue=settings.task_queue,
        max_cached_workflows=settings.max_cached_workflows,
    )
    log.info("worker starting", task_queue=settings.task_queue, namespace=settings.temporal_namespace,
             max_cached_workflows=settings.max_cached_workflows)
    try:
        async with worker:
            await (stop.wait() if stop else asyncio.Event().wait())
    finally:
        log.info("worker stopped")
