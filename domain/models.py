"""Contracts shared by the API, the workflow and the activities (RULES.md, DESIGN.md).

One pydantic model per call: API bodies (`*In`), workflow commands (`*Command`, an
API body plus the acting user) and the project snapshot (`ProjectState`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.policy import ProjectPolicy


class Role(StrEnum):
    agent = "agent"  # 业务人员
    dept_head = "dept_head"  # 部门负责人
    executive = "executive"  # 上级领导
    customer = "customer"  # 客户
    operations = "operations"  # 运营管理中心
    auditor = "auditor"  # 内部审计


STAFF_ROLES = frozenset({Role.agent, Role.dept_head, Role.executive, Role.operations, Role.auditor})
# RULES §Deadlines and escalation: agent → dept_head → executive.
ESCALATION_LADDER = (Role.agent, Role.dept_head, Role.executive)


class Stage(StrEnum):
    intake = "intake"
    assessment = "assessment"
    initiation_approval = "initiation_approval"
    planning = "planning"
    plan_approval = "plan_approval"
    execution = "execution"
    result_review = "result_review"
    rectification = "rectification"
    customer_acceptance = "customer_acceptance"
    archiving = "archiving"
    completed = "completed"
    declined = "declined"
    cancelled = "cancelled"


TERMINAL_STAGES = frozenset({Stage.completed, Stage.declined, Stage.cancelled})


class Gate(StrEnum):
    initiation = "initiation"
    plan = "plan"
    result_review = "result_review"


class Decision(StrEnum):
    approve = "approve"
    reject = "reject"


class Channel(StrEnum):
    phone = "phone"
    email = "email"
    visit = "visit"
    online = "online"


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class TaskSource(StrEnum):
    """RULES §Rectification tasks: where a rectification task 整改 comes from."""

    review_rejection = "review_rejection"
    customer_objection = "customer_objection"
    progress_warning = "progress_warning"
    complaint = "complaint"
    audit_finding = "audit_finding"


class TaskStatus(StrEnum):
    open = "open"
    done = "done"


class CauseCategory(StrEnum):
    """RULES §Progress anomaly warnings: 人员 / 流程 / 资源 / 外部."""

    people = "people"
    process = "process"
    resources = "resources"
    external = "external"


def workflow_id(project_id: str) -> str:
    """DESIGN.md: one workflow per project, `project-<project_id>`."""
    return f"project-{project_id}"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Text = Field(min_length=1, max_length=10_000)


# --------------------------------------------------------------------------- actors


class Actor(BaseModel):
    """The authenticated user behind a command (from the bearer token)."""

    user_id: str
    name: str
    role: Role
    department: str | None = None


# --------------------------------------------------------------------------- API bodies


class CustomerIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    email: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    user: str | None = Field(default=None, description="Name of the customer's own account (role customer)")


class ProjectCreateIn(Strict):
    """Consultation intake 客户咨询 (RULES lifecycle 1)."""

    customer: CustomerIn
    channel: Channel
    requirement: str = Text
    business_type: str = Field(min_length=1, max_length=100)
    id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="Client-chosen project id; repeating a create with the same id returns the same project",
    )


class AssessmentIn(Strict):
    """Requirement assessment 需求评估 (RULES lifecycle 2-3)."""

    in_scope: bool
    difficulty: Level | None = None
    risk_level: Level | None = None
    expected_cycle_days: int | None = Field(default=None, gt=0, le=3650)
    budget: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    comment: str = Field(default="", max_length=10_000)

    @model_validator(mode="after")
    def _in_scope_needs_the_application(self) -> AssessmentIn:
        if self.in_scope:
            missing = [
                f for f in ("difficulty", "risk_level", "expected_cycle_days", "budget") if getattr(self, f) is None
            ]
            if missing:
                raise ValueError(f"an in-scope assessment needs {', '.join(missing)}")
        return self


class MilestoneIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    due_date: date


class PlanIn(Strict):
    """Plan 方案制定 (RULES lifecycle 4)."""

    goals: str = Text
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=100)
    responsibilities: str = Text
    resources: str = Field(default="", max_length=10_000)

    @field_validator("milestones")
    @classmethod
    def _unique_names(cls, v: list[MilestoneIn]) -> list[MilestoneIn]:
        names = [m.name for m in v]
        if len(set(names)) != len(names):
            raise ValueError("milestone names must be unique")
        return v


class DecisionIn(Strict):
    gate: Gate
    decision: Decision
    comment: str = Field(default="", max_length=10_000)


class WeeklyReportIn(Strict):
    """Weekly progress report (RULES lifecycle 7, 000 §3(1)1)."""

    progress: str = Text
    problems: str = Field(default="", max_length=10_000)
    next_week_plan: str = Text
    completed_milestones: list[str] = Field(default_factory=list, max_length=100)


class ResultsIn(Strict):
    summary: str = Text
    completed_milestones: list[str] = Field(default_factory=list, max_length=100)
    attachments: list[str] = Field(default_factory=list, max_length=100)


class AcceptanceIn(Strict):
    """Customer acceptance 客户验收 (RULES lifecycle 9)."""

    accepted: bool
    rating: int | None = Field(default=None, ge=1, le=5)
    objections: list[str] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> AcceptanceIn:
        if self.accepted:
            if self.rating is None:
                raise ValueError("an acceptance needs a rating from 1 to 5")
            if self.objections:
                raise ValueError("an acceptance carries no objections")
        else:
            if not [o for o in self.objections if o.strip()]:
                raise ValueError("an objection needs at least one objection text")
        return self


class TaskCompleteIn(Strict):
    resolution: str = Text


class MeasureIn(Strict):
    """A rectification measure 整改措施: owner and a working-day deadline."""

    description: str = Text
    owner: str = Field(min_length=1, description="User name of the owner")
    deadline_working_days: int = Field(gt=0, le=250)


class WarningAnalysisIn(Strict):
    """Cause analysis of a progress-anomaly warning (RULES §Progress anomaly warnings)."""

    cause: CauseCategory
    analysis: str = Text
    measures: list[MeasureIn] = Field(min_length=1, max_length=20)
    revised_expected_cycle_days: int | None = Field(
        default=None,
        gt=0,
        le=3650,
        description="Re-baselined expected cycle approved as part of the measures; warnings are judged against it",
    )


class CancelIn(Strict):
    reason: str = Text


# --------------------------------------------------------------------------- workflow commands


class Command(BaseModel):
    actor: Actor
    received_at: datetime | None = None


class AssessCommand(Command):
    body: AssessmentIn


class PlanCommand(Command):
    body: PlanIn


class DecideCommand(Command):
    body: DecisionIn


class ReportCommand(Command):
    body: WeeklyReportIn


class ResultsCommand(Command):
    body: ResultsIn


class AcceptanceCommand(Command):
    body: AcceptanceIn


class CompleteTaskCommand(Command):
    task_id: str
    body: TaskCompleteIn


class WarningAnalysisCommand(Command):
    body: WarningAnalysisIn
    # Measure owners resolved by the API from user names.
    owners: dict[str, Actor] = Field(default_factory=dict)


class CancelCommand(Command):
    body: CancelIn


# --------------------------------------------------------------------------- project state


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
