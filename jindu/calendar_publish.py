"""Publishing a newly published year's holidays (RULES §Deadlines; docs/calendar.md).

The one way new official dates reach projects: stored in PostgreSQL (new projects take
them in their start input) and sent to every running project as a recorded
`publish_calendar` update, by an operations user. Never a package upgrade or an edited file.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
from pydantic import BaseModel
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from domain.calendar import YearDates
from domain.commands import PublishCalendarCommand
from domain.models import Actor
from store.intake import publish_year
from workflows.project import ProjectWorkflow

RUNNING = "WorkflowType = 'ProjectWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '{queue}'"
UPDATE_TIMEOUT = timedelta(seconds=10)


class PublishReport(BaseModel):
    year: int
    running: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = []


async def publish(pool: asyncpg.Pool, client: Client, year: int, dates: YearDates, by: Actor, task_queue: str,
                  concurrency: int = 20) -> PublishReport:  # fmt: skip
    """Store the year, then send it to every running project of the task queue; safe to
    repeat. A project that does not answer within UPDATE_TIMEOUT (no worker?) is listed as
    failed: publishing again reaches it."""
    dates.check_year(year)
    await publish_year(pool, year, dates, by.name or by.user_id)
    report = PublishReport(year=year)
    cmd = PublishCalendarCommand(actor=by, year=year, dates=dates)
    gate = asyncio.Semaphore(concurrency)

    async def send(workflow_id: str) -> None:
        async with gate:
            try:
                # A project that has these dates already refuses them (already_decided): a
                # repeat counts it as unchanged and records nothing.
                await client.get_workflow_handle(workflow_id).execute_update(
                    ProjectWorkflow.publish_calendar, cmd, rpc_timeout=UPDATE_TIMEOUT)
                report.updated += 1
            except WorkflowUpdateFailedError as err:
                cause = err.cause
                if isinstance(cause, ApplicationError) and cause.type in ("already_decided", "wrong_stage"):
                    report.unchanged += 1  # already has these dates, a v1 project, or it just finished
                else:
                    report.failed.append(workflow_id)
            except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError):
                report.failed.append(workflow_id)

    ids = [wf.id async for wf in client.list_workflows(RUNNING.format(queue=task_queue.replace("'", "")))]
    report.running = len(ids)
    await asyncio.gather(*(send(i) for i in ids))
    return report
