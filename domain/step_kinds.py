"""Each kind of recorded step as one model: what the step says happened (STYLE §15).

A step is stored as `events(kind, seq, actor, comment, data)`; its model is the `data` with
the `kind` as discriminator, so `{"kind": kind, **data}` reads any row back (`parse_facts`)
and `Facts.data()` writes the same JSON the project always stored: a field is written only
when the rule gave it (a reminder has a `gate` only when it is about an approval), times as
`isoformat()`. Who and why are the step's `actor` and `comment`, not facts.

The writers (store/facts.py) and the history (jindu/history.py) match on the unions of
domain/step_union.py: a kind added here and not handled there is a mypy error.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from domain.models import Actor, CauseCategory, Channel, Decision, Gate, Level, Role, Stage, TaskSource

Time = Annotated[datetime, PlainSerializer(lambda t: t.isoformat(), return_type=str)]
RatingSource = Literal["revisit", "complaint"]


class Facts(BaseModel):
    """A step kind's model declares `kind` as a Literal; its bases and parts do not. Fields in
    `omit_empty` are written only with a value (not None, not an empty list): added to a kind
    later, they leave its steps' JSON as it was when they are not used."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)
    omit_empty: ClassVar[frozenset[str]] = frozenset()

    def data(self) -> dict[str, Any]:
        """The step's `data` as stored: the fields set, without the kind."""
        unset = set(type(self).model_fields) - self.model_fields_set
        data = self.model_dump(mode="json", by_alias=True, exclude={"kind", *unset})
        return {k: v for k, v in data.items() if k not in self.omit_empty or v not in (None, [], {})}


class NoFacts(Facts):
    """A step whose kind says it all; `extra` keeps what an operator's tool wrote."""

    model_config = ConfigDict(frozen=True, extra="allow")


# --------------------------------------------------------------------------- the project's lifecycle


class Intake(Facts):
    kind: Literal["intake"] = "intake"
    channel: Channel
    business_type: str


class StageChanged(Facts):
    kind: Literal["stage_changed"] = "stage_changed"
    before: Stage | None = Field(default=None, alias="from")
    to: Stage


class Assessed(Facts):
    kind: Literal["assessment"] = "assessment"
    in_scope: bool
    difficulty: Level | None = None
    risk_level: Level | None = None
    expected_cycle_days: int | None = None
    budget: Decimal | None = None
    expected_revenue: Decimal | None = None  # issue 14


class DecisionRecorded(Facts):
    kind: Literal["decision"] = "decision"
    gate: Gate
    level: Role
    decision: Decision
    round: int = 1
    on_behalf_of: Actor | None = None


class MilestoneFact(BaseModel):
    name: str
    due_date: date


class PlanSubmitted(Facts):
    kind: Literal["plan_submitted"] = "plan_submitted"
    goals: str
    milestones: list[MilestoneFact]
    responsibilities: str
    resources: str = ""


class WeeklyReported(Facts):
    kind: Literal["weekly_report"] = "weekly_report"
    progress: str
    problems: str = ""
    next_week_plan: str
    completed_milestones: list[str] = Field(default_factory=list)
    on_time: bool = True
    milestones_done: dict[str, date] = Field(default_factory=dict)
    attachment_ids: list[str] = Field(default_factory=list)  # uploaded documents (store/attachments.py)


class ResultsSubmitted(Facts):
    kind: Literal["results_submitted"] = "results_submitted"
    summary: str
    completed_milestones: list[str] = Field(default_factory=list)
    attachments: list[str] = Field(default_factory=list)
    submission: int
    milestones_done: dict[str, date] = Field(default_factory=dict)
    attachment_ids: list[str] = Field(default_factory=list)  # uploaded documents (store/attachments.py)


class Accepted(Facts):
    kind: Literal["accepted"] = "accepted"
    rating: int
    attachment_ids: list[str] = Field(default_factory=list)  # uploaded documents (store/attachments.py)


class Objected(Facts):
    kind: Literal["objection"] = "objection"
    objections: int
    attachment_ids: list[str] = Field(default_factory=list)  # uploaded documents (store/attachments.py)


class TaskCreated(Facts):
    kind: Literal["task_created"] = "task_created"  # a rectification task, described by the comment
    task_id: str
    source: TaskSource
    owner_id: str
    owner: str | None = None
    owner_role: Role
    department: str
    due_at: Time
    round: int = 1


class TaskCompleted(Facts):
    kind: Literal["task_completed"] = "task_completed"  # the resolution is the step's comment
    task_id: str
    source: TaskSource


class Kpis(Facts):
    completion_rate: float | None = None
    cycle_deviation_rate: float | None = None
    satisfaction_score: float | None = None


class KpisUpdated(Kpis):
    kind: Literal["kpis_updated"] = "kpis_updated"


class WarningRaised(Facts):
    kind: Literal["warning_raised"] = "warning_raised"
    reasons: list[str]


class WarningAnalysed(Facts):
    kind: Literal["warning_analysed"] = "warning_analysed"  # the analysis is the step's comment
    cause: CauseCategory
    measures: int
    revised_expected_cycle_days: int | None = None


class WarningCleared(Kpis):
    kind: Literal["warning_cleared"] = "warning_cleared"


class Archived(Facts):
    kind: Literal["archived"] = "archived"
    bundle_id: str
    keywords: list[str] = Field(default_factory=list)


class Declined(NoFacts):
    kind: Literal["declined"] = "declined"


class Completed(NoFacts):
    kind: Literal["completed"] = "completed"


class Cancelled(NoFacts):
    kind: Literal["cancelled"] = "cancelled"  # the reason is the step's comment


# --------------------------------------------------------------------------- deadlines


class About(Facts):
    """What a reminder or an escalation is about: `what` waits (a pending action's kind, `task`,
    `warning_analysis`, `risk_review`, `revisit`, a complaint's SLA) and which one."""

    what: str
    gate: Gate | None = None
    task_id: str | None = None
    summary: str | None = None
    risk_id: str | None = None
    round: str | None = None  # a complaint's


class Due(About):
    due_at: Time
    step: int | None = None
    to_role: Role | None = None


class Reminded(Due):
    kind: Literal["reminder"] = "reminder"


class Escalated(Due):
    kind: Literal["escalation"] = "escalation"
    levels_up: int | None = None
    assignee: str | None = None
    missed_in_row: int | None = None


class WeeklyReportMissed(Facts):
    kind: Literal["weekly_report_missed"] = "weekly_report_missed"
    due_at: Time
    missed_in_row: int


# --------------------------------------------------------------------------- operations


class Reassigned(Facts):
    kind: Literal["reassigned"] = "reassigned"
    target: str
    previous: str
    to: str | None = None
    to_id: str
    to_role: Role
    department: str | None = None


class DeadlineExtended(Facts):
    kind: Literal["deadline_extended"] = "deadline_extended"
    target: str
    previous_due_at: Time
    due_at: Time
    working_days: int


class CalendarPublished(Facts):
    kind: Literal["calendar_published"] = "calendar_published"
    year: int
    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)


class CustomerDataDisposed(NoFacts):
    kind: Literal["customer_data_disposed"] = "customer_data_disposed"


class Reset(NoFacts):
    kind: Literal["reset"] = "reset"  # an operator's `temporal workflow reset` (store/fencing.py)


class Terminated(NoFacts):
    kind: Literal["terminated"] = "terminated"


class Reconciled(NoFacts):
    kind: Literal["reconciled"] = "reconciled"


# --------------------------------------------------------------------------- complaints, ratings


class ComplaintTasksAsked(Facts):
    kind: Literal["complaint_tasks"] = "complaint_tasks"
    complaint_id: str
    tasks: int


class Rated(Facts):
    kind: Literal["rated"] = "rated"  # after acceptance; a complaint's or revisit's names its project
    rating: int
    source: RatingSource
    source_id: str
    project_id: str | None = None
    agent_id: str | None = None
    department: str | None = None


class SatisfactionWarning(Facts):
    kind: Literal["satisfaction_warning"] = "satisfaction_warning"
    reasons: list[str]
    rating: int
    source: RatingSource
    source_id: str
    project_id: str | None = None
    agent_id: str | None = None
    department: str | None = None
