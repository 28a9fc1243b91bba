"""The Temporal worker: ProjectWorkflow, its activities, and the notification outbox."""

from __future__ import annotations

import asyncio
import contextlib
from zoneinfo import ZoneInfo

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.worker import Worker

from activities.notifier import Notifier, build_notifier
from activities.outbox import Outbox
from activities.project import ProjectActivities
from activities.v1 import V1Activities
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from workflows.project import ProjectWorkflow

log = structlog.get_logger(__name__)


def build_worker(client: Client, *, pool: asyncpg.Pool, task_queue: str, outbox: Outbox | None = None,
                 policy: ProjectPolicy | None = None, max_cached_workflows: int = 1000) -> Worker:  # fmt: skip
    acts = ProjectActivities(pool, policy or ProjectPolicy(), on_notices=outbox.wake if outbox else None)
    v1 = V1Activities(pool)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ProjectWorkflow],
        activities=[acts.setup, acts.record, acts.archive, acts.report_unrecordable, v1.record_steps, v1.notify,
                    v1.archive_project],
        max_cached_workflows=max_cached_workflows,
    )  # fmt: skip


def build_outbox(settings: Settings, pool: asyncpg.Pool, notifier: Notifier | None = None) -> Outbox:
    policy = settings.policy()
    return Outbox(pool, notifier or build_notifier(settings.webhook_url), tz=ZoneInfo(policy.calendar.timezone),
                  public_url=settings.public_url)  # fmt: skip


async def run_worker(settings: Settings, *, client: Client, pool: asyncpg.Pool,
                     stop: asyncio.Event | None = None) -> None:  # fmt: skip
    """Run until `stop` is set (or forever); the caller owns the client and the pool."""
    stop = stop or asyncio.Event()
    outbox = build_outbox(settings, pool)
    worker = build_worker(client, pool=pool, task_queue=settings.task_queue, outbox=outbox, policy=settings.policy())
    log.info("worker starting", task_queue=settings.task_queue, namespace=settings.temporal_namespace)
    sending = asyncio.create_task(outbox.run(stop))
    try:
        async with worker:
            await stop.wait()
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        log.info("worker stopped")
