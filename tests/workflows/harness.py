"""Runs ProjectWorkflow on a real Temporal server with in-memory stand-ins for its activities.

End-to-end tests (tests/e2e) run the real activities against PostgreSQL; here the
activities only collect what the workflow asked them to record and send. Update helpers
answer with the project's state, read with the `state` query after the update.
"""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.service import send_to_project
from domain.calendar import OfficialDates
from domain.commands import (
    AcceptanceCommand,
    AcceptanceIn,
    AssessCommand,
    AssessmentIn,
    CompleteTaskCommand,
    DecideCommand,
    DecisionIn,
    PlanCommand,
    PlanIn,
    ReportCommand,
    ResultsCommand,
    ResultsIn,
    TaskCompleteIn,
    WeeklyReportIn,
)
from domain.models import Actor, Channel, Level, Role
from domain.policy import ProjectPolicy
from domain.project import ProjectStart, ProjectState
from domain.service_models import ProjectAnswer, ProjectCall, ServiceBatch
from domain.steps import ArchiveIn, ArchiveOut, Notice, RecordBatch, Recorded
from jindu.holidays import official_dates
from workflows import search_attributes as sa
from workflows.activities import Setup, SetupIn, Unrecordable
from workflows.complaint import ComplaintWorkflow
from workflows.project import ProjectWorkflow
from workflows.revisit import RevisitWorkflow

PROJECT_KIND = TypedSearchAttributes([SearchAttributePair(sa.KIND, "project")])


def actor(role: Role, department: str | None = "sales", name: str | None = None) -> Actor:
    name = name or f"{role.value}-{uuid.uuid4().hex[:4]}"
    return Actor(user_id=f"u-{name}", name=None if role == Role.customer else name, role=role,
                 department=department)  # fmt: skip


@dataclass
class RecordedStep:
    project_id: str
    seq: int
    kind: str
    at: datetime
    data: dict[str, Any]
    comment: str = ""
    actor: Actor | None = None


@dataclass
class Recorder:
    steps: list[RecordedStep] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)
    batches: list[RecordBatch] = field(default_factory=list)
    failures: list[Unrecordable] = field(default_factory=list)
    client: Client | None = None
    policy: ProjectPolicy | None = None  # the company's policy the workflows set themselves up with

    @activity.defn(name="setup")
    async def setup(self, req: SetupIn) -> Setup:
        dates = official_dates(req.created_at.year)
        return Setup(policy=(self.policy or ProjectPolicy()).model_dump_json(), calendar=dates.model_dump_json())

    @activity.defn(name="record")
    async def record(self, batch: RecordBatch) -> Recorded:
        done = Recorded(first=min((s.seq for s in batch.steps), default=None),
                        last=max((s.seq for s in batch.steps), default=None))  # fmt: skip
        if any(b.project_id == batch.project_id and b.version == batch.version for b in self.batches):
            return done  # a retry
        self.batches.append(batch)
        self.steps += [RecordedStep(batch.project_id, s.seq, s.kind, batch.at, s.data, s.comment, s.actor)
                       for s in batch.steps]  # fmt: skip
        self.notes += batch.notices
        return done

    @activity.defn(name="archive")
    async def archive(self, req: ArchiveIn) -> ArchiveOut:
        return ArchiveOut(bundle_id=f"archive-{req.project_id}", keywords=[req.project_id])

    @activity.defn(name="report_unrecordable")
    async def report_unrecordable(self, failure: Unrecordable) -> None:
        self.failures.append(failure)

    @activity.defn(name="record_complaint")
    async def record_complaint(self, batch: ServiceBatch) -> None:
        self._service(f"complaint:{batch.subject_id}", batch)

    @activity.defn(name="record_revisit")
    async def record_revisit(self, batch: ServiceBatch) -> None:
        self._service(f"revisit:{batch.subject_id}", batch)

    def _service(self, subject: str, batch: ServiceBatch) -> None:
        if any(b.project_id == subject and b.version == batch.version for b in self.batches):
            return  # a retry
        self.batches.append(RecordBatch(project_id=subject, version=batch.version, at=batch.at))
        self.steps += [RecordedStep(subject, s.seq, s.kind, batch.at, s.data, s.comment, s.actor) for s in batch.steps]
        self.notes += batch.notices

    @activity.defn(name="call_project")
    async def call_project(self, call: ProjectCall) -> ProjectAnswer:
        """The real update to the project (activities.service): the task ids are in its answer."""
        assert self.client is not None
        return await send_to_project(self.client, call)

    def activities(self) -> list[Any]:
        return [self.setup, self.record, self.archive, self.report_unrecordable, self.record_complaint,
                self.record_revisit, self.call_project]

    def kinds(self, project_id: str) -> list[str]:
        return [s.kind for s in sorted(self.steps, key=lambda s: s.seq) if s.project_id == project_id]

    def of(self, project_id: str, kind: str) -> list[RecordedStep]:
        return [s for s in sorted(self.steps, key=lambda s: s.seq) if s.project_id == project_id and s.kind == kind]


class Harness:
    def __init__(self, env: WorkflowEnvironment, task_queue: str, recorder: Recorder) -> None:
        self.env, self.client, self.task_queue, self.rec = env, env.client, task_queue, recorder
        self.agent = actor(Role.agent)
        self.head = actor(Role.dept_head)
        self.executive = actor(Role.executive, department=None)
        self.customer = actor(Role.customer, department=None)
        self.operations = actor(Role.operations, department=None)
        self.handles: list[WorkflowHandle[Any, Any]] = []

    async def start(self, policy: ProjectPolicy | None = None, *, customer: bool = True,
                    created_at: datetime | None = None, calendar: OfficialDates | None = None,
                    project_id: str | None = None) -> WorkflowHandle[Any, Any]:  # fmt: skip
        project_id = project_id or uuid.uuid4().hex[:12]
        created_at = created_at or await self.env.get_current_time()
        start = ProjectStart(
            version=2, project_id=project_id, department="sales", business_type="real_estate", channel=Channel.phone,
            agent=self.agent, customer_user_id=self.customer.user_id if customer else None, created_at=created_at,
            policy=policy, calendar=calendar or (official_dates(created_at.year) if policy else None),
        )  # fmt: skip  # neither given: the workflow sets them up, as for a project the API starts
        handle = await self.client.start_workflow(ProjectWorkflow.run, start.model_dump(mode="json"),
                                                  id=f"project-{project_id}", task_queue=self.task_queue,
                                                  search_attributes=PROJECT_KIND)  # fmt: skip
        self.handles.append(handle)
        return handle

    async def close(self) -> None:
        """Terminate what is still running — the projects' revisits too — so no orphan holds
        the time-skipping clock."""
        revisits = [self.client.get_workflow_handle(f"revisit-{h.id.removeprefix('project-')}")
                    for h in self.handles if h.id.startswith("project-")]  # fmt: skip
        for handle in [*self.handles, *revisits]:
            try:  # (describing a finished workflow fails on the time-skipping server: unset attributes)
                await handle.terminate("test finished")
            except RPCError as err:
                if err.status != RPCStatusCode.NOT_FOUND:  # finished already, or never started
                    raise

    async def state(self, handle: WorkflowHandle[Any, Any]) -> ProjectState:
        return await handle.query(ProjectWorkflow.state)

    async def update(self, handle: WorkflowHandle[Any, Any], update: Any, cmd: Any) -> ProjectState:
        await handle.execute_update(update, cmd)
        return await self.state(handle)

    async def assess(self, handle: WorkflowHandle[Any, Any], *, risk: Level = Level.low, budget: str = "10000",
                     cycle: int = 60, in_scope: bool = True) -> ProjectState:  # fmt: skip
        body = AssessmentIn(in_scope=True, difficulty=Level.medium, risk_level=risk, expected_cycle_days=cycle,
                            budget=Decimal(budget)) if in_scope else AssessmentIn(in_scope=False,
                                                                                  comment="not our business")
        return await self.update(handle, ProjectWorkflow.assess, AssessCommand(actor=self.agent, body=body))

    async def decide(self, handle: WorkflowHandle[Any, Any], gate: str, decision: str = "approve",
                     by: Actor | None = None, comment: str = "") -> ProjectState:  # fmt: skip
        body = DecisionIn.model_validate({"gate": gate, "decision": decision, "comment": comment})
        return await self.update(handle, ProjectWorkflow.decide, DecideCommand(actor=by or self.head, body=body))

    async def plan(self, handle: WorkflowHandle[Any, Any], milestones: list[tuple[str, object]]) -> ProjectState:
        body = PlanIn.model_validate({"goals": "Close the deal", "responsibilities": "agent does it",
                                      "milestones": [{"name": n, "due_date": d} for n, d in milestones]})
        return await self.update(handle, ProjectWorkflow.submit_plan, PlanCommand(actor=self.agent, body=body))

    async def report(self, handle: WorkflowHandle[Any, Any], milestones: list[str] | None = None,
                     progress: str = "progress") -> ProjectState:  # fmt: skip
        body = WeeklyReportIn(progress=progress, next_week_plan="more", completed_milestones=milestones or [])
        return await self.update(handle, ProjectWorkflow.report, ReportCommand(actor=self.agent, body=body))

    async def results(self, handle: WorkflowHandle[Any, Any], summary: str = "done",
                      milestones: list[str] | None = None) -> ProjectState:  # fmt: skip
        body = ResultsIn(summary=summary, completed_milestones=milestones or [])
        return await self.update(handle, ProjectWorkflow.submit_results, ResultsCommand(actor=self.agent, body=body))

    async def complete(self, handle: WorkflowHandle[Any, Any], task_id: str, by: Actor | None = None,
                       resolution: str = "fixed") -> ProjectState:  # fmt: skip
        cmd = CompleteTaskCommand(actor=by or self.agent, task_id=task_id, body=TaskCompleteIn(resolution=resolution))
        return await self.update(handle, ProjectWorkflow.complete_task, cmd)

    async def object(self, handle: WorkflowHandle[Any, Any], *objections: str) -> ProjectState:
        cmd = AcceptanceCommand(actor=self.customer, body=AcceptanceIn(accepted=False, objections=list(objections)))
        return await self.update(handle, ProjectWorkflow.answer_acceptance, cmd)

    async def accept(self, handle: WorkflowHandle[Any, Any], rating: int = 5) -> ProjectState:
        cmd = AcceptanceCommand(actor=self.customer, body=AcceptanceIn(accepted=True, rating=rating))
        return await self.update(handle, ProjectWorkflow.answer_acceptance, cmd)

    async def to_execution(
        self, handle: WorkflowHandle[Any, Any], milestones: list[tuple[str, object]]
    ) -> ProjectState:
        await self.assess(handle)
        await self.decide(handle, "initiation")
        await self.plan(handle, milestones)
        return await self.decide(handle, "plan")


@asynccontextmanager
async def harness(env: WorkflowEnvironment, recorder: Recorder | None = None, **worker: Any):  # type: ignore[no-untyped-def]
    recorder = recorder or Recorder()
    recorder.client = env.client
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    workflows = [ProjectWorkflow, ComplaintWorkflow, RevisitWorkflow]
    async with Worker(env.client, task_queue=task_queue, workflows=workflows, activities=recorder.activities(),
                      **worker):  # fmt: skip
        h = Harness(env, task_queue, recorder)
        try:
            yield h
        finally:
            await h.close()
