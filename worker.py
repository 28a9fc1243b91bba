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
) -> Worker:
    acts = ProjectActivities(pool, notifier, cipher)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ProjectWorkflow],
        activities=[acts.record_steps, acts.notify, acts.archive_project],
    )


async def run_worker(
    settings: Settings,
    *,
    client: Client | None = None,
    pool: asyncpg.Pool | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (or forever), closing only what this call created."""
    from jindu.temporal import connect_temporal
    from store.db import create_pool

    own_pool = pool is None
    if client is None:
        client = await connect_temporal(settings)
    if pool is None:
        if not settings.database_url:
            raise SystemExit("JINDU_DATABASE_URL is not set")
        pool = await create_pool(settings.database_url)
    worker = build_worker(
        client,
        pool=pool,
        notifier=build_notifier(settings.webhook_url),
        cipher=DataCipher(settings.data_key_bytes()),
        task_queue=settings.task_queue,
    )
    log.info("worker starting", task_queue=settings.task_queue, namespace=settings.temporal_namespace)
    try:
        async with worker:
            await (stop.wait() if stop else asyncio.Event().wait())
    finally:
        if own_pool:
            await pool.close()
        log.info("worker stopped")
