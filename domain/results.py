"""What each project update answers: its step count and stage (`Ack`), and what it made — the
risk it added, the tasks it opened, whom a wait went to (STYLE §15). Callers learn what an
update did from its answer, never by reading `events` back.

Each is built from the typed steps the update recorded (`made`). A retry of an update
applied before a continue-as-new (`ProjectState.recent_updates`) has no steps of its own:
its answer names nothing (`None`, `[]`), and the caller reads the project.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from domain import cost_steps, risk_steps
from domain import step_kinds as k
from domain.models import Actor, Decision, Gate, Role
from domain.step_union import StepFacts
from domain.steps import Ack


def task_ids(made: list[StepFacts]) -> list[str]:
    return [f.task_id for f in made if isinstance(f, k.TaskCreated)]


class Assessed(Ack):
    in_scope: bool | None = None


class PlanSubmitted(Ack):
    milestones: list[str] = Field(default_factory=list)


class Decided(Ack):
    """`task_ids`: the rectification tasks a rejected result review opened."""

    gate: Gate | None = None
    decision: Decision | None = None
    level: Role | None = None
    round: int | None = None
    on_behalf_of: Actor | None = Field(default=None, description="The absent approver operations decided for")
    task_ids: list[str] = Field(default_factory=list)


class ReportRecorded(Ack):
    on_time: bool | None = None
    milestones_done: list[str] = Field(default_factory=list)


class ResultsSubmitted(Ack):
    submission: int | None = None
    milestones_done: list[str] = Field(default_factory=list)


class AcceptanceAnswered(Ack):
    """`task_ids`: the rectification tasks the customer's objections opened."""

    accepted: bool | None = None
    task_ids: list[str] = Field(default_factory=list)


class TaskCompleted(Ack):
    task_id: str | None = None


class WarningAnalysed(Ack):
    task_ids: list[str] = Field(default_factory=list, description="One task per measure")


class Reassigned(Ack):
    target: str | None = None
    previous: str | None = Field(default=None, description="Who had it: a user name, or role@department")
    to: str | None = None
    to_id: str | None = None


class DeadlineExtended(Ack):
    target: str | None = None
    previous_due_at: datetime | None = None
    due_at: datetime | None = None


class ComplaintTasksOpened(Ack):
    task_ids: list[str] = Field(default_factory=list)


class RiskAdded(Ack):
    risk_id: str | None = None


class RiskChanged(Ack):
    risk_id: str | None = None
    settled: Literal["occurred", "closed"] | None = None


class CostRecorded(Ack):
    cost_id: str | None = None
    total: Decimal | None = Field(default=None, description="The project's costs with this one, in yuan")
    over_budget: bool | None = Field(default=None, description="This cost took the total past the budget")


def assessed(ack: Ack, made: list[StepFacts]) -> Assessed:
    found = next((f for f in made if isinstance(f, k.Assessed)), None)
    return Assessed(seq=ack.seq, stage=ack.stage, in_scope=found.in_scope if found else None)


def plan_submitted(ack: Ack, made: list[StepFacts]) -> PlanSubmitted:
    plan = next((f for f in made if isinstance(f, k.PlanSubmitted)), None)
    return PlanSubmitted(seq=ack.seq, stage=ack.stage, milestones=[m.name for m in plan.milestones] if plan else [])


def decided(ack: Ack, made: list[StepFacts]) -> Decided:
    d = next((f for f in made if isinstance(f, k.DecisionRecorded)), None)
    if d is None:
        return Decided(seq=ack.seq, stage=ack.stage)
    return Decided(seq=ack.seq, stage=ack.stage, gate=d.gate, decision=d.decision, level=d.level, round=d.round,
                   on_behalf_of=d.on_behalf_of, task_ids=task_ids(made))  # fmt: skip


def report_recorded(ack: Ack, made: list[StepFacts]) -> ReportRecorded:
    r = next((f for f in made if isinstance(f, k.WeeklyReported)), None)
    return ReportRecorded(seq=ack.seq, stage=ack.stage, on_time=r.on_time if r else None,
                          milestones_done=list(r.milestones_done) if r else [])  # fmt: skip


def results_submitted(ack: Ack, made: list[StepFacts]) -> ResultsSubmitted:
    r = next((f for f in made if isinstance(f, k.ResultsSubmitted)), None)
    return ResultsSubmitted(seq=ack.seq, stage=ack.stage, submission=r.submission if r else None,
                            milestones_done=list(r.milestones_done) if r else [])  # fmt: skip


def acceptance_answered(ack: Ack, made: list[StepFacts]) -> AcceptanceAnswered:
    accepted = any(isinstance(f, k.Accepted) for f in made) or (
        False if any(isinstance(f, k.Objected) for f in made) else None)
    return AcceptanceAnswered(seq=ack.seq, stage=ack.stage, accepted=accepted, task_ids=task_ids(made))


def task_completed(ack: Ack, made: list[StepFacts]) -> TaskCompleted:
    done = next((f for f in made if isinstance(f, k.TaskCompleted)), None)
    return TaskCompleted(seq=ack.seq, stage=ack.stage, task_id=done.task_id if done else None)


def warning_analysed(ack: Ack, made: list[StepFacts]) -> WarningAnalysed:
    return WarningAnalysed(seq=ack.seq, stage=ack.stage, task_ids=task_ids(made))


def reassigned(ack: Ack, made: list[StepFacts]) -> Reassigned:
    r = next((f for f in made if isinstance(f, k.Reassigned)), None)
    if r is None:
        return Reassigned(seq=ack.seq, stage=ack.stage)
    return Reassigned(seq=ack.seq, stage=ack.stage, target=r.target, previous=r.previous, to=r.to, to_id=r.to_id)


def deadline_extended(ack: Ack, made: list[StepFacts]) -> DeadlineExtended:
    e = next((f for f in made if isinstance(f, k.DeadlineExtended)), None)
    if e is None:
        return DeadlineExtended(seq=ack.seq, stage=ack.stage)
    return DeadlineExtended(seq=ack.seq, stage=ack.stage, target=e.target, previous_due_at=e.previous_due_at,
                            due_at=e.due_at)  # fmt: skip


def complaint_tasks_opened(ack: Ack, made: list[StepFacts]) -> ComplaintTasksOpened:
    return ComplaintTasksOpened(seq=ack.seq, stage=ack.stage, task_ids=task_ids(made))


def risk_added(ack: Ack, made: list[StepFacts]) -> RiskAdded:
    added = next((f for f in made if isinstance(f, risk_steps.RiskAdded)), None)
    return RiskAdded(seq=ack.seq, stage=ack.stage, risk_id=added.risk_id if added else None)


def risk_changed(ack: Ack, made: list[StepFacts]) -> RiskChanged:
    changed = next((f for f in made if isinstance(f, risk_steps.RiskUpdated)), None)
    settled: Literal["occurred", "closed"] | None = None
    if any(isinstance(f, risk_steps.RiskOccurred) for f in made):
        settled = "occurred"
    elif any(isinstance(f, risk_steps.RiskClosed) for f in made):
        settled = "closed"
    return RiskChanged(seq=ack.seq, stage=ack.stage, risk_id=changed.risk_id if changed else None, settled=settled)


def cost_recorded(ack: Ack, made: list[StepFacts]) -> CostRecorded:
    c = next((f for f in made if isinstance(f, cost_steps.CostRecorded)), None)
    if c is None:
        return CostRecorded(seq=ack.seq, stage=ack.stage)
    return CostRecorded(seq=ack.seq, stage=ack.stage, cost_id=c.cost_id, total=c.total, over_budget=c.over_budget)
