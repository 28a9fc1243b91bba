"""Frozen: ProjectWorkflow v1's state, start input and activity inputs (workflows/v1/__init__.py).

Copied from domain/models.py as shipped; do not change.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from domain.models import CauseCategory, Channel, Decision, Gate, Level, Role, Stage, TaskSource, TaskStatus
from domain.policy import ProjectPolicy
from workflows.v1.commands import Actor, PlanIn


class PendingAction(BaseModel):
    """Who the project waits on, and until when (RULES §Deadlines and escalation)."""

    kind: Literal["assessment", "approval", "plan", "results", "rectification", "acceptance", "warning_analysis"]
    sla: str
    gate: Gate | None = None
    role: Role
    user_id: str | None = None
    user_name: str | None = None
    department: str
    since: datetime
    due_at: datetime
    steps_done: int = 0
    description: str = ""

    def assignee_label(self) -> str:
        return self.user_name or f"{self.role.value}@{self.department}"


class MilestoneState(BaseModel):
    name: str
    due_date: date
    done_on: date | None = None


class ApprovalRecord(BaseModel):
    gate: Gate
    level: Role
    decision: Decision
    by_user_id: str
    by_name: str
    at: datetime
    comment: str = ""
    round: int = 1


class RectificationTask(BaseModel):
    id: str
    source: TaskSource
    description: str
    owner_user_id: str
    owner_name: str
    owner_role: Role
    department: str
    created_at: datetime
    due_at: datetime
    status: TaskStatus = TaskStatus.open
    resolution: str | None = None
    completed_at: datetime | None = None
    steps_done: int = 0
    round: int = 1


class Kpis(BaseModel):
    """RULES §Progress metrics, all in percent (None where nothing can be said yet)."""

    completion_rate: float | None = None
    cycle_deviation_rate: float | None = None
    satisfaction_score: float | None = None


class WarningState(BaseModel):
    active: bool = False
    reasons: list[str] = Field(default_factory=list)
    raised_at: datetime | None = None
    cause: CauseCategory | None = None
    analysis: str | None = None
    task_ids: list[str] = Field(default_factory=list)
    times_raised: int = 0
    pending: PendingAction | None = None


class WeeklyReportTracker(BaseModel):
    next_due_at: datetime | None = None
    received_this_week: bool = False
    missed_in_row: int = 0
    received: int = 0
    on_time: int = 0
    due: int = 0


class ProjectState(BaseModel):
    project_id: str
    stage: Stage
    department: str
    business_type: str
    channel: Channel
    requirement: str
    agent_id: str
    agent_name: str
    customer_user_id: str | None = None
    customer_user_name: str | None = None
    created_at: datetime
    updated_at: datetime
    in_scope: bool | None = None
    difficulty: Level | None = None
    risk_level: Level | None = None
    expected_cycle_days: int | None = None
    original_expected_cycle_days: int | None = None
    budget: Decimal | None = None
    initiation_levels: list[Role] = Field(default_factory=list)
    plan: PlanIn | None = None
    milestones: list[MilestoneState] = Field(default_factory=list)
    approvals: list[ApprovalRecord] = Field(default_factory=list)
    pending: PendingAction | None = None
    tasks: list[RectificationTask] = Field(default_factory=list)
    reports: WeeklyReportTracker = Field(default_factory=WeeklyReportTracker)
    results_submissions: int = 0
    first_review_passed: bool | None = None
    rectification_round: int = 0
    gate_rounds: dict[str, int] = Field(default_factory=dict)
    rectification_return_stage: Stage | None = None
    ratings: list[int] = Field(default_factory=list)
    kpis: Kpis = Field(default_factory=Kpis)
    warning: WarningState = Field(default_factory=WarningState)
    execution_started_at: datetime | None = None
    completed_at: datetime | None = None
    archive_bundle_id: str | None = None
    cancel_reason: str | None = None
    seq: int = 0

    def open_tasks(self) -> list[RectificationTask]:
        return [t for t in self.tasks if t.status == TaskStatus.open]

    def task(self, task_id: str) -> RectificationTask | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def is_overdue(self) -> bool:
        """Some wait has passed its deadline: its assignee was reminded or it was escalated.
        Behind both the JinduOverdue search attribute and the read model's `overdue`."""
        waits = [self.pending, self.warning.pending, *self.open_tasks()]
        return any(w is not None and w.steps_done > 0 for w in waits)


class ProjectStart(BaseModel):
    """Workflow input. `carried` is set when the workflow continues as new."""

    project_id: str
    department: str
    business_type: str
    channel: Channel
    requirement: str
    agent: Actor
    customer_user_id: str | None = None
    customer_user_name: str | None = None
    created_at: datetime
    policy: ProjectPolicy = Field(default_factory=ProjectPolicy)
    carried: ProjectState | None = None


# --------------------------------------------------------------------------- activity contracts


class StepRecord(BaseModel):
    """One recorded workflow step: an event plus the project snapshot after it.

    `step_key` (`<project_id>:<seq>`) makes the write idempotent: a retried activity
    inserts nothing twice and never moves the read model backwards.
    """

    step_key: str
    project_id: str
    seq: int
    kind: str
    at: datetime
    actor_id: str | None = None
    actor_name: str | None = None
    actor_role: Role | None = None
    comment: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    state: ProjectState


class StepBatch(BaseModel):
    """The steps one update (or one clock tick) recorded, written in one transaction."""

    steps: list[StepRecord] = Field(min_length=1)


class Notification(BaseModel):
    step_key: str
    project_id: str
    kind: Literal["assigned", "reminder", "escalation", "warning", "info"]
    to_role: Role
    to_user_id: str | None = None
    department: str | None = None
    subject: str
    text: str


class ArchiveRequest(BaseModel):
    step_key: str
    project_id: str
    state: ProjectState


class ArchiveResult(BaseModel):
    bundle_id: str
    keywords: list[str]
