"""The Temporal worker: ProjectWorkflow, ComplaintWorkflow, RevisitWorkflow, CustomerWorkflow,
ProcessWorkflow, DealWorkflow, their activities, and the notification outbox."""

from __future__ import annotations

import asyncio
import contextlib
from zoneinfo import ZoneInfo

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.channels import Router, build_router
from activities.customers import CustomerActivities
from activities.deals import DealActivities
from activities.outbox import Outbox
from activities.process import ProcessActivities
from activities.project import ProjectActivities
from activities.service import ServiceActivities
from domain.policy import ProjectPolicy
from jindu.process_sweep import ProcessSweep
from jindu.reconcile import Reconciler, Sweep, sweep_forever
from jindu.retention import prune_forever
from jindu.settings import Settings
from store.crypto import DataCipher
from store.files import files_of
from store.period_rollups import RollupSweep
from workflows.complaint import ComplaintWorkflow
from workflows.customer import CustomerWorkflow
from workflows.deal import DealWorkflow
from workflows.process import ProcessWorkflow
from workflows.project import ProjectWorkflow
from workflows.revisit import RevisitWorkflow
from workflows.runner import WORKFLOW_RUNNER

log = structlog.get_logger(__name__)


def sdk_metrics_runtime(settings: Settings) -> Runtime | None:
    """A Temporal runtime that serves the SDK's own Prometheus metrics on
    JINDU_WORKER_METRICS_ADDRESS (host:port, path /metrics); None when unset."""
    if not settings.worker_metrics_address:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=settings.worker_metrics_address)))


def build_worker(client: Client, *, pool: asyncpg.Pool, task_queue: str, outbox: Outbox | None = None,
                 policy: ProjectPolicy | None = None, max_cached_workflows: int = 1000) -> Worker:  # fmt: skip
    wake = outbox.wake if outbox else None
    acts = ProjectActivities(pool, policy or ProjectPolicy(), on_notices=wake)
    service = ServiceActivities(pool, client, on_notices=wake)
    process = ProcessActivities(pool, on_notices=wake)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ProjectWorkflow, ComplaintWorkflow, RevisitWorkflow, CustomerWorkflow, ProcessWorkflow,
                   DealWorkflow],
        activities=[acts.setup, acts.record, acts.archive, acts.report_unrecordable, service.record_complaint,
                    service.record_revisit, service.call_project, CustomerActivities(pool, wake).record_customer,
                    process.record_process, DealActivities(pool, wake).record_deal],
        max_cached_workflows=max_cached_workflows,
        workflow_runner=WORKFLOW_RUNNER,  # no sandbox: it guarded none of our code (workflows/runner.py)
    )  # fmt: skip


def build_outbox(settings: Settings, pool: asyncpg.Pool, router: Router | None = None,
                 cipher: DataCipher | None = None) -> Outbox:  # fmt: skip
    """The channels configured in the settings (JINDU_WECOM_*, JINDU_DINGTALK_*, …, the log)."""
    return Outbox(pool, router or build_router(settings), cipher or DataCipher(settings.data_key_bytes()),
                  tz=ZoneInfo(settings.policy().calendar.timezone), public_url=settings.public_url)  # fmt: skip


async def run_worker(settings: Settings, *, client: Client, pool: asyncpg.Pool,
                     stop: asyncio.Event | None = None) -> None:  # fmt: skip
    """Run until `stop` is set (or forever); the caller owns the client and the pool."""
    stop = stop or asyncio.Event()
    outbox = build_outbox(settings, pool)
    worker = build_worker(client, pool=pool, task_queue=settings.task_queue, outbox=outbox, policy=settings.policy(),
                          max_cached_workflows=settings.max_cached_workflows)
    log.info("worker starting", task_queue=settings.task_queue, namespace=settings.temporal_namespace,
             max_cached_workflows=settings.max_cached_workflows)
    sending = asyncio.create_task(outbox.run(stop))
    sweeps: list[Sweep] = [
        Reconciler(client, pool, settings.task_queue).sweep,  # projects ended or reset in Temporal
        ProcessSweep(client, pool, settings.task_queue).sweep,  # processes ended in Temporal (issue 15)
        RollupSweep(pool, ZoneInfo(settings.policy().calendar.timezone)).sweep,  # report months summed ahead (16)
    ]
    sweeping = asyncio.create_task(sweep_forever(sweeps, stop, settings.reconcile_seconds)
                                   if settings.reconcile_seconds else stop.wait())
    pruning = asyncio.create_task(prune_forever(pool, settings.policy().retention, stop, files_of(settings)))
    running = asyncio.create_task(worker.run())
    stopping = asyncio.create_task(stop.wait())
    try:
        # A worker that fails for good (lost its namespace, a fatal SDK error) ends the
        # process, so that a supervisor restarts it, instead of staying up without polling.
        done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if running in done:
            running.result()
            raise RuntimeError("the Temporal worker stopped on its own")
        await worker.shutdown()
        await running
    finally:
        stop.set()
        stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
            await sweeping
            await pruning
        log.info("worker stopped")
