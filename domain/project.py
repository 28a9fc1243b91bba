"""One project's state, in parts named after the business (RULES §lifecycle).

Every wait on a person — the pending action, a warning's cause analysis, a
rectification task, a risk's review — is a `Wait`: who, since when, due when, how many escalation steps
fired. The state holds what the rules decide on and nothing else: long texts (plan,
reports, objections) are recorded as facts in PostgreSQL, never kept here, so the state
stays small however long a project runs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, field_serializer, field_validator

from domain.calendar import DatesAsText, OfficialDates, shared_dates
from domain.models import Actor, CauseCategory, Channel, Decision, Gate, Level, Role, Stage, TaskSource
from domain.policy import ProjectPolicy, shared_policy
from domain.risk import RiskCategory

PendingKind = Literal["assessment", "approval", "plan", "results", "rectification", "acceptance"]
RECENT_UPDATES = 32  # update ids remembered across continue-as-new: a late retry applies once


class Wait(BaseModel):
    """Someone owes an action by `due_at` (RULES §Deadlines and escalation)."""

    sla: str
    role: Role
    user_id: str | None = None
    user_name: str | None = None  # staff only: customers are ids
    department: str | None = None
    since: datetime
    due_at: datetime
    steps_done: int = 0

    @property
    def overdue(self) -> bool:
        """Its deadline passed: its assignee was reminded or it was escalated."""
        return self.steps_done > 0

    def label(self) -> str:
        if self.user_name:
            return self.user_name
        if self.role == Role.customer:
            return "customer"
        department_bound = self.role in (Role.agent, Role.dept_head) and self.department
        return f"{self.role.value}@{self.department}" if department_bound else self.role.value


class PendingAction(Wait):
    kind: PendingKind
    gate: Gate | None = None


class RectificationTask(Wait):
    """整改 (RULES §Rectification tasks); open tasks only, closed ones live in PostgreSQL."""

    id: str
    source: TaskSource
    round: int = 1
    summary: str = Field(default="", max_length=80, description="The description's start, for reminders")


class Risk(Wait):
    """An open risk of the register, waiting on its owner's next review (due at the cut-off
    of its review date); texts and history are in PostgreSQL."""

    id: str
    category: RiskCategory
    likelihood: Level
    impact: Level
    level: Level
    probability: Decimal | None = None
    loss_amount: Decimal | None = None
    expected_loss: Decimal | None = None


class Assessment(BaseModel):
    difficulty: Level
    risk_level: Level
    expected_cycle_days: int
    original_expected_cycle_days: int
    budget: Decimal
    expected_revenue: Decimal | None = None  # 预计收入 (issue 14)


class ApprovalRecord(BaseModel):
    """A decision of this round: who decided, when and why are recorded in PostgreSQL."""

    gate: Gate
    level: Role
    decision: Decision
    round: int


class Approvals(BaseModel):
    """审批: the levels initiation needs, each gate's round, and this round's decisions."""

    initiation_levels: list[Role] = Field(default_factory=list)
    levels: dict[Gate, list[Role]] = Field(default_factory=dict, description="Plan and result review, "
                                           "fixed when the gate opens (domain/approval.py)")  # fmt: skip
    rounds: dict[Gate, int] = Field(default_factory=dict)
    decided: list[ApprovalRecord] = Field(default_factory=list)  # current rounds only
    first_review_passed: bool | None = None

    def round(self, gate: Gate) -> int:
        return self.rounds.get(gate, 0)

    def this_round(self, gate: Gate) -> list[ApprovalRecord]:
        return [a for a in self.decided if a.gate == gate and a.round == self.round(gate)]


class Milestone(BaseModel):
    """A key node 关键节点 of the plan."""

    name: str
    due_date: date
    done_on: date | None = None


class Rectification(BaseModel):
    round: int = 0
    return_stage: Stage | None = None
    tasks: list[RectificationTask] = Field(default_factory=list)
    tasks_opened: int = 0

    def task(self, task_id: str) -> RectificationTask | None:
        return next((t for t in self.tasks if t.id == task_id), None)


class Reporting(BaseModel):
    """Weekly progress reports owed while work goes on (000 §3(1)1)."""

    next_due_at: datetime | None = None
    received_this_week: bool = False
    missed_in_row: int = 0
    received: int = 0
    on_time: int = 0
    due: int = 0
    results_submissions: int = 0


class Kpis(BaseModel):
    """RULES §Progress metrics, all in percent (None where nothing can be said yet)."""

    completion_rate: float | None = None
    cycle_deviation_rate: float | None = None
    satisfaction_score: float | None = None


class WarningState(BaseModel):
    """进度异常预警 and its cause analysis (RULES §Progress anomaly warnings)."""

    active: bool = False
    reasons: list[str] = Field(default_factory=list)
    raised_at: datetime | None = None
    analysis: Wait | None = None  # the dept_head's cause analysis, while owed
    cause: CauseCategory | None = None
    task_ids: list[str] = Field(default_factory=list)
    times_raised: int = 0


class ProjectState(DatesAsText):
    project_id: str
    stage: Stage
    department: str
    business_type: str
    channel: Channel
    agent: Actor
    customer_user_id: str | None = None
    created_at: datetime
    updated_at: datetime
    seq: int = 0
    batches: int = 0
    assessment: Assessment | None = None
    approvals: Approvals = Field(default_factory=Approvals)
    milestones: list[Milestone] = Field(default_factory=list)
    pending: PendingAction | None = None
    rectification: Rectification = Field(default_factory=Rectification)
    risks: list[Risk] = Field(default_factory=list, description="Open risks; settled ones are in PostgreSQL")
    risks_added: int = 0
    costs_total: Decimal = Field(default=Decimal(0), description="The costs recorded so far (domain/costs.py)")
    reporting: Reporting = Field(default_factory=Reporting)
    ratings: list[int] = Field(default_factory=list)
    kpis: Kpis = Field(default_factory=Kpis)
    kpis_checked_at: datetime | None = None
    warning: WarningState = Field(default_factory=WarningState)
    execution_started_at: datetime | None = None
    completed_at: datetime | None = None
    archive_bundle_id: str | None = None
    recent_updates: list[str] = Field(default_factory=list)
    calendar: OfficialDates = Field(default_factory=OfficialDates, description="The official dates it decides on")

    def notice_scope(self) -> tuple[dict[str, Any], str | None]:
        return {"project_id": self.project_id}, self.department

    def waits(self) -> list[Wait]:
        found: list[Wait] = [*self.rectification.tasks, *self.risks]
        if self.pending is not None:
            found.insert(0, self.pending)
        if self.warning.analysis is not None:
            found.append(self.warning.analysis)
        return found

    def is_overdue(self) -> bool:
        """Behind both the JinduOverdue search attribute and the read model's `overdue`."""
        return any(w.overdue for w in self.waits())

    def read_view(self) -> dict[str, Any]:
        """The read model's compact row (store/records.py); the rest is recorded as facts."""
        return {
            "stage": self.stage.value,
            "risk_level": self.assessment.risk_level.value if self.assessment else None,
            "assessment": self.assessment.model_dump(mode="json") if self.assessment else None,
            "initiation_levels": [r.value for r in self.approvals.initiation_levels],
            "pending": self.pending.model_dump(mode="json") if self.pending else None,
            "overdue": self.is_overdue(),
            "warning": self.warning.model_dump(mode="json", include={"active", "reasons", "raised_at", "cause"})
            | {"analysis_due_at": self.warning.analysis.due_at.isoformat() if self.warning.analysis else None,
               "analysis_user_id": self.warning.analysis.user_id if self.warning.analysis else None},
            "kpis": self.kpis.model_dump(mode="json"),
            "reports": self.reporting.model_dump(mode="json"),
            "first_review_passed": self.approvals.first_review_passed,
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
            "archive_bundle_id": self.archive_bundle_id,
        }


class ProjectStart(BaseModel):
    """ProjectWorkflow's input (`version` 2: the pre-release v1 input had none);
    `carried` is set when the workflow continues as new.

    A new project's input carries neither policy nor calendar: the workflow records them once
    when it starts (the `setup` local activity), which keeps every cached project's input
    small. A continued run carries them, as JSON strings (one string weighs far less than
    nested objects) that every project with the same ones shares once read."""

    version: Literal[2]
    project_id: str
    department: str
    business_type: str
    channel: Channel
    agent: Actor
    customer_user_id: str | None = None
    created_at: datetime
    policy: ProjectPolicy | None = Field(default=None, description="None: the worker's, recorded at start")
    calendar: OfficialDates | None = Field(default=None, description="None: the official dates, recorded at start")
    carried: ProjectState | None = None

    @field_validator("policy", mode="before")
    @classmethod
    def _shared_policy(cls, value: Any) -> Any:
        return shared_policy(value) if isinstance(value, str) else value

    @field_validator("calendar", mode="before")
    @classmethod
    def _shared_dates(cls, value: Any) -> Any:
        return shared_dates(value) if isinstance(value, str) else value

    @field_validator("carried", mode="before")
    @classmethod
    def _carried(cls, value: Any) -> Any:
        return ProjectState.model_validate_json(value) if isinstance(value, str) else value

    @field_serializer("policy", "calendar", "carried", when_used="json")
    def _as_json_text(self, value: BaseModel | None) -> str | None:
        return None if value is None else value.model_dump_json()
