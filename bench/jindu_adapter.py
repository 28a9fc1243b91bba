"""Every assumption the benchmarks make about ProjectWorkflow's insides, in one place.

The HTTP benchmarks use only the public contract (DESIGN.md). The capacity and timer-storm
benchmarks park thousands of projects in `execution` without driving each through four
updates, and stub the activities in the worker; for that they assume, as of the workflow
before the issue-6 rewrite:

1. `ProjectStart.carried` (the continue-as-new input) holds a `ProjectState`, and a run
   started with it resumes that state without recording the intake again.
2. `ProjectState.project_id`, `.seq` and `.reports.next_due_at` (the next weekly report
   deadline) exist; a missed weekly report is recorded as a step of kind
   `weekly_report_missed` through the `record_steps` activity, whose input is a
   `StepBatch` with `steps`.
3. The workflow's activities are named `record_steps`, `notify` and `archive_project`.
4. The `sync` update takes a `Command` and returns once nothing is in flight (a cheap
   update that makes an evicted project replay).
5. `tests/workflows/harness.py` drives a project to `execution` (`Harness.to_execution`).

After the rewrite, change this module only.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from temporalio import activity
from temporalio.client import Client

from domain.models import (ArchiveRequest, ArchiveResult, Command, Notification, ProjectStart, ProjectState, Role,
                           StepBatch)
from tests.workflows.harness import Harness, Recorder, actor
from workflows.project import ProjectWorkflow

WORKFLOW = ProjectWorkflow
REMINDER_KINDS = frozenset({"weekly_report_missed"})


class StubActivities:
    """The workflow's activities with no I/O; reminders' wall-clock times are appended to a file."""

    def __init__(self, reminders_file: Path | None = None) -> None:
        self.reminders_file = reminders_file

    @activity.defn(name="record_steps")
    async def record_steps(self, batch: StepBatch) -> None:
        if self.reminders_file is None:
            return
        now = time.time()
        lines = [f"{s.project_id} {now}\n" for s in batch.steps if s.kind in REMINDER_KINDS]
        if lines:
            with open(self.reminders_file, "a") as f:
                f.writelines(lines)

    @activity.defn(name="notify")
    async def notify(self, note: Notification) -> None:
        return None

    @activity.defn(name="archive_project")
    async def archive_project(self, req: ArchiveRequest) -> ArchiveResult:
        return ArchiveResult(bundle_id=f"archive-{req.project_id}", keywords=[])

    def all(self) -> list:
        return [self.record_steps, self.notify, self.archive_project]


class _Env:
    """Just enough of WorkflowEnvironment for the test harness on a plain client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def get_current_time(self) -> datetime:
        return datetime.now(UTC)


async def execution_template(client: Client, task_queue: str) -> ProjectStart:
    """One project driven to `execution` through the real updates; its start input carrying that state."""
    harness = Harness(_Env(client), task_queue, Recorder())
    handle = await harness.start()
    await harness.to_execution(handle, [("viewings", date.today() + timedelta(days=60)),
                                        ("contract", date.today() + timedelta(days=120))])
    state: ProjectState = await harness.state(handle)
    start = ProjectStart(project_id=state.project_id, department=state.department, business_type=state.business_type,
                         channel=state.channel, requirement=state.requirement, agent=harness.agent,
                         created_at=state.created_at, carried=state)
    await handle.terminate("template taken")
    return start


def parked(template: ProjectStart, project_id: str, weekly_report_due: datetime | None = None) -> ProjectStart:
    """The template re-addressed to a new project, optionally with its weekly report due at a moment."""
    state = template.carried.model_copy(deep=True)
    state.project_id = project_id
    if weekly_report_due is not None:
        state.reports.next_due_at = weekly_report_due
    return template.model_copy(update={"project_id": project_id, "carried": state})


def workflow_id(project_id: str) -> str:
    return f"project-{project_id}"


async def cheap_update(client: Client, project_id: str) -> None:
    cmd = Command(actor=actor(Role.operations, department=None), received_at=datetime.now(UTC))
    await client.get_workflow_handle(workflow_id(project_id)).execute_update(ProjectWorkflow.sync, cmd)


def new_project_id(tag: str, i: int) -> str:
    return f"{tag}-{i:05d}-{uuid.uuid4().hex[:4]}"
