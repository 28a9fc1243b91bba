"""Every assumption the benchmarks make about ProjectWorkflow's insides, in one place.

The HTTP benchmarks use only the public contract (DESIGN.md). The capacity and timer-storm
benchmarks park thousands of projects in `execution` without driving each through four
updates, and stub the activities in the worker; for that they assume, as of the v2 core
(workflows/engine.py, workflows/base.py):

1. `domain.project.ProjectStart` (version 2) with `carried` set (the continue-as-new input)
   and `policy` and `calendar` set resumes that state without setting up or recording the
   intake again — exactly what a run continued as new receives.
2. `ProjectState.project_id`, `.calendar` and `.reporting.next_due_at` (the next weekly
   report deadline) exist; a missed weekly report is recorded as a step of kind
   `weekly_report_missed` through the `record` local activity, whose input is a
   `RecordBatch` (`project_id`, `steps`) and whose answer is `Recorded`.
3. The workflow's activities are named `setup`, `record`, `archive` and
   `report_unrecordable` (workflows/activities.py; `record` and `setup` run as local
   activities inside the workflow task).
4. The `sync` update takes a `Command` (an actor) and returns once nothing is in flight (a
   cheap update that makes an evicted project replay).
5. `tests/workflows/harness.py` drives a project to `execution` (`Harness.to_execution`).
6. Clients, workers and replayers use `jindu.temporal.data_converter`.

After a change to the core, change this module only.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import common  # noqa: F401  (puts the repository on sys.path: tests/ is not an installed package)
from temporalio import activity
from temporalio.client import Client

from domain.commands import Command
from domain.models import Role
from domain.policy import ProjectPolicy
from domain.project import ProjectStart, ProjectState
from domain.steps import ArchiveIn, ArchiveOut, RecordBatch, Recorded
from jindu.holidays import official_dates
from jindu.temporal import data_converter
from tests.workflows.harness import Harness, Recorder, actor
from workflows.activities import Setup, SetupIn, Unrecordable
from workflows.project import ProjectWorkflow

WORKFLOW = ProjectWorkflow
DATA_CONVERTER = data_converter
REMINDER_KINDS = frozenset({"weekly_report_missed"})


class StubActivities:
    """The workflow's activities with no I/O; reminders' wall-clock times are appended to a file."""

    def __init__(self, reminders_file: Path | None = None) -> None:
        self.reminders_file = reminders_file

    @activity.defn(name="setup")
    async def setup(self, req: SetupIn) -> Setup:
        return Setup(policy=ProjectPolicy().model_dump_json(),
                     calendar=official_dates(req.created_at.year).model_dump_json())

    @activity.defn(name="record")
    async def record(self, batch: RecordBatch) -> Recorded:
        if self.reminders_file is not None:
            now = time.time()
            lines = [f"{batch.project_id} {now}\n" for s in batch.steps if s.kind in REMINDER_KINDS]
            if lines:
                with open(self.reminders_file, "a") as f:
                    f.writelines(lines)
        return Recorded(first=min((s.seq for s in batch.steps), default=None),
                        last=max((s.seq for s in batch.steps), default=None))

    @activity.defn(name="archive")
    async def archive(self, req: ArchiveIn) -> ArchiveOut:
        return ArchiveOut(bundle_id=f"archive-{req.project_id}", keywords=[])

    @activity.defn(name="report_unrecordable")
    async def report_unrecordable(self, failure: Unrecordable) -> None:
        return None

    def all(self) -> list:
        return [self.setup, self.record, self.archive, self.report_unrecordable]


class _Env:
    """Just enough of WorkflowEnvironment for the test harness on a plain client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def get_current_time(self) -> datetime:
        return datetime.now(UTC)


async def execution_template(client: Client, task_queue: str) -> ProjectStart:
    """One project driven to `execution` through the real updates; its start input carrying that
    state, with the policy and calendar the stub `setup` gave it (as a continued run carries them)."""
    harness = Harness(_Env(client), task_queue, Recorder())
    handle = await harness.start()
    await harness.to_execution(handle, [("viewings", date.today() + timedelta(days=60)),
                                        ("contract", date.today() + timedelta(days=120))])
    state: ProjectState = await harness.state(handle)
    start = ProjectStart(version=2, project_id=state.project_id, department=state.department,
                         business_type=state.business_type, channel=state.channel, agent=state.agent,
                         customer_user_id=state.customer_user_id, created_at=state.created_at,
                         policy=ProjectPolicy(), calendar=state.calendar, carried=state)
    await handle.terminate("template taken")
    return start


def parked(template: ProjectStart, project_id: str, weekly_report_due: datetime | None = None) -> ProjectStart:
    """The template re-addressed to a new project, optionally with its weekly report due at a moment."""
    assert template.carried is not None
    state = template.carried.model_copy(deep=True)
    state.project_id = project_id
    if weekly_report_due is not None:
        state.reporting.next_due_at = weekly_report_due
    return template.model_copy(update={"project_id": project_id, "carried": state})


def workflow_id(project_id: str) -> str:
    return f"project-{project_id}"


async def cheap_update(client: Client, project_id: str) -> None:
    cmd = Command(actor=actor(Role.operations, department=None))
    await client.get_workflow_handle(workflow_id(project_id)).execute_update(ProjectWorkflow.sync, cmd)


def new_project_id(tag: str, i: int) -> str:
    return f"{tag}-{i:05d}-{uuid.uuid4().hex[:4]}"
