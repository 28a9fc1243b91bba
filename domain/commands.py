"""What people send: API request bodies (`*In`) and the workflow commands that carry them.

A command is a body plus the acting user. Every field is bounded and storable
(domain/text.py), and the same models validate the update inputs inside the workflow,
so `temporal workflow update` cannot bypass the bounds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain.calendar import YearDates
from domain.errors import Invalid
from domain.models import Actor, CauseCategory, Channel, Decision, Gate, Level
from domain.text import (
    Comment,
    LongText,
    Name,
    OptionalShort,
    RequiredComment,
    RequiredLong,
    Requirement,
    ShortText,
    one_line,
    storable,
)

PROJECT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
TASK_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_:-]{0,99}$"
OBJECTION_MAX = 1_000
Objection: TypeAlias = Annotated[str, StringConstraints(min_length=1, max_length=OBJECTION_MAX),
                                 AfterValidator(storable)]
Phone: TypeAlias = Annotated[str, StringConstraints(max_length=30, strip_whitespace=True), AfterValidator(one_line)]
Email: TypeAlias = Annotated[str, StringConstraints(max_length=254, strip_whitespace=True), AfterValidator(one_line)]
MAX_MILESTONES = 50
MAX_OBJECTIONS = 20
MAX_MEASURES = 10


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CustomerIn(Strict):
    name: Name = Field(description="The customer's name (stored encrypted)")
    phone: Phone | None = Field(default=None, description="Phone (stored encrypted)")
    email: Email | None = Field(default=None, description="E-mail (stored encrypted)")
    company: OptionalShort | None = Field(default=None, description="Company (stored encrypted)")
    user: Name | None = Field(default=None, description="Name of the customer's own account (role customer)")


class ProjectCreateIn(Strict):
    """Consultation intake 客户咨询 (RULES lifecycle 1)."""

    customer: CustomerIn
    channel: Channel
    requirement: Requirement = Field(description="The customer's need, up to 10,000 characters")
    business_type: Name = Field(description="e.g. real_estate, loan, recruitment")
    id: str | None = Field(
        default=None,
        pattern=PROJECT_ID_PATTERN,
        description="Client-chosen project id, unique across the company; repeating a create with the same id "
        "by the same agent returns the same project",
    )


class AssessmentIn(Strict):
    """Requirement assessment 需求评估 (RULES lifecycle 2-3)."""

    in_scope: bool
    difficulty: Level | None = None
    risk_level: Level | None = None
    expected_cycle_days: int | None = Field(default=None, gt=0, le=3650, description="Expected cycle in calendar days")
    budget: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2,
                                   description="Budget in yuan; 0 is refused (422) unless the company policy "
                                               "sets allow_zero_budget")  # fmt: skip
    expected_revenue: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2,
                                             description="Expected revenue 预计收入 in yuan (002 二(一)3), "
                                                         "optional; the appraisal compares deals with it")  # fmt: skip
    comment: Comment = ""

    @model_validator(mode="after")
    def _in_scope_needs_the_application(self) -> AssessmentIn:
        if self.in_scope:
            needed = ("difficulty", "risk_level", "expected_cycle_days", "budget")
            missing = [f for f in needed if getattr(self, f) is None]
            if missing:
                raise ValueError(f"an in-scope assessment needs {', '.join(missing)}")
        return self


ZERO_BUDGET = "budget must be above 0: the company policy does not allow a zero budget (allow_zero_budget)"


def check_budget(body: AssessmentIn, allow_zero_budget: bool) -> None:
    """A budget of 0 is refused unless the policy allows it (`allow_zero_budget`): an
    initiation applied for with nothing to spend is nearly always a slip of the keyboard,
    and it would pass the executive's budget threshold unseen. Raises Invalid (422)."""
    if body.in_scope and body.budget is not None and body.budget == 0 and not allow_zero_budget:
        raise Invalid(ZERO_BUDGET, "zero_budget")


class MilestoneIn(Strict):
    name: Name
    due_date: date = Field(description="Planned date (local), no earlier than today and within ten years")


class PlanIn(Strict):
    """Plan 方案制定 (RULES lifecycle 4)."""

    goals: RequiredLong
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=MAX_MILESTONES)
    responsibilities: RequiredLong
    resources: LongText = ""

    @field_validator("milestones")
    @classmethod
    def _unique_names(cls, v: list[MilestoneIn]) -> list[MilestoneIn]:
        names = [m.name for m in v]
        if len(set(names)) != len(names):
            raise ValueError("milestone names must be unique")
        return v


class DecisionBody(Strict):
    """A decision as the workflow receives it. No reason rule here: histories recorded before
    the rule hold rejections without one, and they must still replay."""

    gate: Gate
    decision: Decision
    comment: Comment = ""


REJECTION_NEEDS_REASON = "a rejection needs a reason: say in comment what must change"


class DecisionIn(DecisionBody):
    """A decision as people send it (API, web, chat confirmation pages, CLI): a rejection
    without a reason is refused (422, on the `comment` field), since the agent has to know
    what to fix (issue 17)."""

    comment: Comment = Field(default="", validate_default=True)

    @field_validator("comment")
    @classmethod
    def _rejection_has_reason(cls, comment: str, info: ValidationInfo) -> str:
        if info.data.get("decision") == Decision.reject and not comment.strip():
            raise ValueError(REJECTION_NEEDS_REASON)
        return comment


AttachmentId = Annotated[str, Field(pattern=r"^att-[0-9a-f]{16}$")]
AttachmentIds = Annotated[list[AttachmentId], Field(
    default_factory=list, max_length=20,
    description="Ids of the project's uploaded attachments (POST /v1/projects/{id}/attachments)")]


class WeeklyReportIn(Strict):
    """Weekly progress report (RULES lifecycle 7, 000 §3(1)1)."""

    progress: RequiredLong
    problems: LongText = ""
    next_week_plan: RequiredLong
    completed_milestones: list[Name] = Field(default_factory=list, max_length=MAX_MILESTONES)
    attachment_ids: AttachmentIds


class ResultsIn(Strict):
    summary: RequiredLong
    completed_milestones: list[Name] = Field(default_factory=list, max_length=MAX_MILESTONES)
    attachments: list[ShortText] = Field(default_factory=list, max_length=20)
    attachment_ids: AttachmentIds


class AcceptanceIn(Strict):
    """Customer acceptance 客户验收 (RULES lifecycle 9)."""

    accepted: bool
    rating: int | None = Field(default=None, ge=1, le=5, description="1 very dissatisfied … 5 very satisfied")
    objections: list[Objection] = Field(default_factory=list, max_length=MAX_OBJECTIONS)
    attachment_ids: AttachmentIds  # e.g. a photo of the signed 验收确认书

    @model_validator(mode="after")
    def _consistent(self) -> AcceptanceIn:
        if self.accepted:
            if self.rating is None:
                raise ValueError("an acceptance needs a rating from 1 to 5")
            if self.objections:
                raise ValueError("an acceptance carries no objections")
        elif not [o for o in self.objections if o.strip()]:
            raise ValueError("an objection needs at least one objection text")
        return self


class TaskCompleteIn(Strict):
    resolution: RequiredComment


class MeasureIn(Strict):
    """A rectification measure 整改措施: owner and a working-day deadline."""

    description: RequiredComment
    owner: Name = Field(description="User name of the owner")
    deadline_working_days: int = Field(gt=0, le=250, description="Deadline in working days")


class WarningAnalysisIn(Strict):
    """Cause analysis of a progress-anomaly warning (RULES §Progress anomaly warnings)."""

    cause: CauseCategory
    analysis: RequiredLong
    measures: list[MeasureIn] = Field(min_length=1, max_length=MAX_MEASURES)
    revised_expected_cycle_days: int | None = Field(
        default=None, gt=0, le=3650,
        description="Re-baselined expected cycle in calendar days; warnings are judged against it",
    )  # fmt: skip


class CancelIn(Strict):
    reason: RequiredComment


# --------------------------------------------------------------------------- workflow commands


class Command(BaseModel):
    actor: Actor


class AssessCommand(Command):
    body: AssessmentIn


class PlanCommand(Command):
    body: PlanIn


class DecideCommand(Command):
    body: DecisionBody
    on_behalf_of: Actor | None = Field(default=None, description="The absent approver operations decide for")


class ReportCommand(Command):
    body: WeeklyReportIn


class ResultsCommand(Command):
    body: ResultsIn


class AcceptanceCommand(Command):
    body: AcceptanceIn


class CompleteTaskCommand(Command):
    task_id: str = Field(pattern=TASK_ID_PATTERN)
    body: TaskCompleteIn


class WarningAnalysisCommand(Command):
    body: WarningAnalysisIn
    owners: dict[str, Actor] = Field(default_factory=dict, max_length=MAX_MEASURES)


class CancelCommand(Command):
    body: CancelIn


class PublishCalendarCommand(Command):
    year: int = Field(ge=2000, le=2100)
    dates: YearDates
