"""Frozen: the update inputs of ProjectWorkflow v1 (see workflows/v1/__init__.py).

Copied from domain/models.py as shipped; do not change. Only `Actor.name` is optional now,
so that commands from today's API (which sends no name for customers) still parse.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.models import CauseCategory, Channel, Decision, Gate, Level, Role

__all__ = ["Channel", "Role"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Text = Field(min_length=1, max_length=10_000)


class Actor(BaseModel):
    user_id: str
    name: str | None = None
    role: Role
    department: str | None = None


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
