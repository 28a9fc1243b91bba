"""Runs ProjectWorkflow on a real Temporal server with in-memory stand-ins for its activities.

End-to-end tests (tests/e2e) run the real activities against PostgreSQL; here the
activities only collect what the workflow asked them to record and send.
"""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal

from temporalio import activity
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.models import (
    AcceptanceCommand,
    AcceptanceIn,
    Actor,
    ArchiveRequest,
    ArchiveResult,
    AssessCommand,
    AssessmentIn,
    Channel,
    DecideCommand,
    DecisionIn,
    Level,
    Notification,
    PlanCommand,
    PlanIn,
    ProjectStart,
    ProjectState,
    ResultsCommand,
    ResultsIn,
    Role,
    StepBatch,
    StepRecord,
)
from domain.policy import ProjectPolicy
from workflows.project import ProjectWorkflow


def actor(role: Role, department: str | None = "sales", name: str | None = None) -> Actor:
    name = name or f"{role.value}-{uuid.uuid4().hex[:4]}"
    return Actor(user_id=f"u-{name}", name=name, role=role, department=department)


class Recorder:
    def __init__(self) -> None:
        self.steps: list[StepRecord] = []
        self.notes: list[Notification] = []

    @activity.defn(name="record_steps")
    async def record_steps(self, batch: StepBatch) -> None:
        self.steps.extend(batch.steps)

    @activity.defn(name="notify")
    async def notify(self, note: Notification) -> None:
        self.notes.append(note)

    @activity.defn(name="archive_project")
    async def archive_project(self, req: ArchiveRequest) -> ArchiveResult:
        return ArchiveResult(bundle_id=f"archive-{req.project_id}", keywords=[req.project_id])

    def kinds(self, project_id: str) -> list[str]:
        return [s.kind for s in sorted(self.steps, key=lambda s: s.seq) if s.project_id == project_id]

    def of(self, project_id: str, kind: str) -> list[StepRecord]:
        return [s for s in sorted(self.steps, key=lambda s: s.seq) if s.project_id == project_id and s.kind == kind]


class Harness:
    def __init__(self, env: WorkflowEnvironment, task_queue: str, recorder: Recorder) -> None:
        self.env, self.client, self.task_queue, self.rec = env, env.client, task_queue, recorder
        self.agent = actor(Role.agent)
        self.head = actor(Role.dept_head)
        self.executive = actor(Role.executive, department=None)
        self.customer = actor(Role.customer, department=None)
        self.operations = actor(Role.operations, department=None)
        self.handles: list[WorkflowHandle] = []

    async def start(self, policy: ProjectPolicy | None = None, *, customer: bool = True,
                    created_at: datetime | None = None) -> WorkflowHandle:
        project_id = uuid.uuid4().hex[:12]
        start = ProjectStart(
            project_id=project_id,
            department="sales",
            business_type="real_estate",
            channel=Channel.phone,
            requirement="Find a 3-room flat near the school",
            agent=self.agent,
            customer_user_id=self.customer.user_id if customer else None,
            customer_user_name=self.customer.name if customer else None,
            created_at=created_at or await self.env.get_current_time(),
            policy=policy or ProjectPolicy(),
        )
        handle = await self.client.start_workflow(
            ProjectWorkflow.run, start, id=f"project-{project_id}", task_queue=self.task_queue
        )
        self.handles.append(handle)
        return handle

    async def close(self) -> None:
        """Terminate what is still running, so no orphan holds the time-skipping clock."""
        for handle in self.handles:
            if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
                await handle.terminate("test finished")

    async def state(self, handle: WorkflowHandle) -> ProjectState:
        return await handle.query(ProjectWorkflow.state)

    async def assess(self, handle, *, risk: Level = Level.low, budget: str = "10000", cycle: int = 60,
                     in_scope: bool = True) -> ProjectState:
        body = AssessmentIn(in_scope=in_scope, comment="" if in_scope else "not our business") if not in_scope else \
            AssessmentIn(in_scope=True, difficulty=Level.medium, risk_level=risk,
                         expected_cycle_days=cycle, budget=Decimal(budget))
        return await handle.execute_update(ProjectWorkflow.assess, AssessCommand(actor=self.agent, body=body))

    async def decide(self, handle, gate: str, decision: str = "approve", by: Actor | None = None,
                     comment: str = "") -> ProjectState:
        cmd = DecideCommand(actor=by or self.head, body=DecisionIn(gate=gate, decision=decision, comment=comment))
        return await handle.execute_update(ProjectWorkflow.decide, cmd)

    async def plan(self, handle, milestones: list[tuple[str, object]]) -> ProjectState:
        body = PlanIn(goals="Close the deal", responsibilities="agent does it",
                      milestones=[{"name": n, "due_date": d} for n, d in milestones])
        return await handle.execute_update(ProjectWorkflow.submit_plan, PlanCommand(actor=self.agent, body=body))

    async def results(self, handle, summary: str = "done", milestones: list[str] | None = None) -> ProjectState:
        body = ResultsIn(summary=summary, completed_milestones=milestones or [])
        return await handle.execute_update(ProjectWorkflow.submit_results, ResultsCommand(actor=self.agent, body=body))

    async def accept(self, handle, rating: int = 5) -> ProjectState:
        cmd = AcceptanceCommand(actor=self.customer, body=AcceptanceIn(accepted=True, rating=rating))
        return await handle.execute_update(ProjectWorkflow.answer_acceptance, cmd)

    async def to_execution(self, handle, milestones) -> ProjectState:
        await self.assess(handle)
        await self.decide(handle, "initiation")
        await self.plan(handle, milestones)
        return await self.decide(handle, "plan")


@asynccontextmanager
async def harness(env: WorkflowEnvironment):
    recorder = Recorder()
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[ProjectWorkflow],
        activities=[recorder.record_steps, recorder.notify, recorder.archive_project],
    ):
        h = Harness(env, task_queue, recorder)
        try:
            yield h
        finally:
            await h.close()
