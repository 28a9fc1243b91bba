"""The step kinds as discriminated unions: every kind (`StepFacts`), and those each subject
records — a project, a complaint, a revisit, a deal. A layer that handles steps matches on one of
these and ends in `assert_never`, so a kind it does not handle is a mypy error."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from pydantic import Field, TypeAdapter

from domain.cost_steps import CostRecorded
from domain.deal_facts import DealConfirmed, DealRecorded
from domain.risk_steps import RiskAdded, RiskClosed, RiskOccurred, RiskUpdated
from domain.service_steps import (
    Closed,
    Confirmed,
    Filed,
    RatingSent,
    Reopened,
    Replied,
    RevisitDone,
    RevisitOpened,
    RevisitScheduled,
    TasksNotOpened,
    TasksOpened,
)
from domain.step_kinds import (
    Accepted,
    Archived,
    Assessed,
    CalendarPublished,
    Cancelled,
    ComplaintTasksAsked,
    Completed,
    CustomerDataDisposed,
    DeadlineExtended,
    DecisionRecorded,
    Declined,
    Escalated,
    Intake,
    KpisUpdated,
    Objected,
    PlanSubmitted,
    Rated,
    Reassigned,
    Reconciled,
    Reminded,
    Reset,
    ResultsSubmitted,
    SatisfactionWarning,
    StageChanged,
    TaskCompleted,
    TaskCreated,
    Terminated,
    WarningAnalysed,
    WarningCleared,
    WarningRaised,
    WeeklyReported,
    WeeklyReportMissed,
)

ProjectStep: TypeAlias = (
    Intake | StageChanged | Assessed | DecisionRecorded | PlanSubmitted | WeeklyReported | ResultsSubmitted
    | Accepted | Objected | TaskCreated | TaskCompleted | KpisUpdated | WarningRaised | WarningAnalysed
    | WarningCleared | Archived | Declined | Completed | Cancelled | Reminded | Escalated | WeeklyReportMissed
    | Reassigned | DeadlineExtended | CalendarPublished | ComplaintTasksAsked | Rated | RiskAdded | RiskUpdated
    | RiskOccurred | RiskClosed | CustomerDataDisposed | Reset | Terminated | Reconciled | CostRecorded
)  # fmt: skip
ComplaintStep: TypeAlias = (
    Filed | Replied | TasksOpened | TasksNotOpened | Confirmed | Closed | Reopened | RatingSent | Reminded | Escalated
    | Rated | SatisfactionWarning
)  # fmt: skip
RevisitStep: TypeAlias = (
    RevisitScheduled | RevisitOpened | RevisitDone | Reminded | Escalated | Rated | SatisfactionWarning
    | WarningAnalysed | TaskCreated | TaskCompleted
)
DealStep: TypeAlias = DealRecorded | DealConfirmed | Reminded | Escalated
StepFacts: TypeAlias = (
    ProjectStep | Filed | Replied | TasksOpened | TasksNotOpened | Confirmed | Closed | Reopened | RatingSent
    | RevisitScheduled | RevisitOpened | RevisitDone | SatisfactionWarning | DealRecorded | DealConfirmed
)  # fmt: skip

_ANY: TypeAdapter[StepFacts] = TypeAdapter(Annotated[StepFacts, Field(discriminator="kind")])
_PROJECT: TypeAdapter[ProjectStep] = TypeAdapter(Annotated[ProjectStep, Field(discriminator="kind")])
_COMPLAINT: TypeAdapter[ComplaintStep] = TypeAdapter(Annotated[ComplaintStep, Field(discriminator="kind")])
_REVISIT: TypeAdapter[RevisitStep] = TypeAdapter(Annotated[RevisitStep, Field(discriminator="kind")])
_DEAL: TypeAdapter[DealStep] = TypeAdapter(Annotated[DealStep, Field(discriminator="kind")])


def parse_facts(kind: str, data: dict[str, Any]) -> StepFacts:
    """A stored step's facts (`events.kind`, `events.data`) as their type."""
    return _ANY.validate_python({**data, "kind": kind})


def project_facts(kind: str, data: dict[str, Any]) -> ProjectStep:
    """Raises (a ValueError) for a kind a project does not record."""
    return _PROJECT.validate_python({**data, "kind": kind})


def complaint_facts(kind: str, data: dict[str, Any]) -> ComplaintStep:
    return _COMPLAINT.validate_python({**data, "kind": kind})


def revisit_facts(kind: str, data: dict[str, Any]) -> RevisitStep:
    return _REVISIT.validate_python({**data, "kind": kind})


def deal_facts(kind: str, data: dict[str, Any]) -> DealStep:
    return _DEAL.validate_python({**data, "kind": kind})
