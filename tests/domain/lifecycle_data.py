"""Literal people, dates and commands for the pure lifecycle tests (no Temporal, no database).

Times are Asia/Shanghai (UTC+8, cut-off 18:00 = 10:00 UTC). Monday 2026-11-23 is an
ordinary working week; National Day 2026 is off Oct 1–7 with make-up Saturday Oct 10.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.calendar import calendar_for
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
from domain.models import Actor, Channel, Decision, Gate, Level, Role
from domain.policy import ProjectPolicy
from domain.project import ProjectStart, ProjectState
from domain.steps import Context, Outcome
from jindu.holidays import official_dates

SH = ZoneInfo("Asia/Shanghai")
AGENT = Actor(user_id="u-wang", name="Wang Fang", role=Role.agent, department="sales")
HEAD = Actor(user_id="u-li", name="Li Qiang", role=Role.dept_head, department="sales")
OTHER_HEAD = Actor(user_id="u-ma", name="Ma Lin", role=Role.dept_head, department="loans")
BOSS = Actor(user_id="u-zhao", name="Zhao Min", role=Role.executive)
CUSTOMER = Actor(user_id="u-chen", role=Role.customer)
OPS = Actor(user_id="u-ops", name="Ops Sun", role=Role.operations)
POLICY = ProjectPolicy()
DATES = official_dates(2026)
CALENDAR = calendar_for(POLICY.calendar, DATES)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


MONDAY = at(2026, 11, 23)


def ctx(now: datetime = MONDAY, policy: ProjectPolicy = POLICY) -> Context:
    return Context(now=now, calendar=calendar_for(policy.calendar, DATES), policy=policy)


def start(*, customer: bool = True, created: datetime = MONDAY) -> ProjectStart:
    return ProjectStart(version=2, project_id="flat-001", department="sales", business_type="real_estate",
                        channel=Channel.visit, agent=AGENT, customer_user_id=CUSTOMER.user_id if customer else None,
                        created_at=created, policy=POLICY, calendar=DATES)  # fmt: skip


def assessment(risk: Level = Level.low, budget: str = "100000", cycle: int = 30) -> AssessCommand:
    body = AssessmentIn(in_scope=True, difficulty=Level.medium, risk_level=risk, expected_cycle_days=cycle,
                        budget=Decimal(budget))  # fmt: skip
    return AssessCommand(actor=AGENT, body=body)


def decision(gate: Gate, decision: Decision = Decision.approve, by: Actor = HEAD, comment: str = "",
             on_behalf_of: Actor | None = None) -> DecideCommand:  # fmt: skip
    return DecideCommand(actor=by, body=DecisionIn(gate=gate, decision=decision, comment=comment),
                         on_behalf_of=on_behalf_of)  # fmt: skip


def plan(*due: date) -> PlanCommand:
    milestones = [{"name": f"m{i + 1}", "due_date": d} for i, d in enumerate(due)]
    return PlanCommand(actor=AGENT, body=PlanIn.model_validate(
        {"goals": "Sign a contract", "responsibilities": "Wang leads", "milestones": milestones}))  # fmt: skip


def report(*done: str) -> ReportCommand:
    return ReportCommand(actor=AGENT, body=WeeklyReportIn(progress="viewings", next_week_plan="offers",
                                                          completed_milestones=list(done)))  # fmt: skip


def results(*done: str) -> ResultsCommand:
    return ResultsCommand(actor=AGENT, body=ResultsIn(summary="contract drafted", completed_milestones=list(done)))


def accept(rating: int = 5) -> AcceptanceCommand:
    return AcceptanceCommand(actor=CUSTOMER, body=AcceptanceIn(accepted=True, rating=rating))


def objection(*texts: str) -> AcceptanceCommand:
    return AcceptanceCommand(actor=CUSTOMER, body=AcceptanceIn(accepted=False, objections=list(texts)))


def complete(task_id: str, by: Actor = AGENT) -> CompleteTaskCommand:
    return CompleteTaskCommand(actor=by, task_id=task_id, body=TaskCompleteIn(resolution="done"))


def kinds(out: Outcome) -> list[str]:
    return [s.kind for s in out.steps]


def to_execution(now: datetime = MONDAY, *due: date) -> ProjectState:
    """A low-risk project whose plan (milestones `due`, default a week and a month ahead) is approved."""
    from domain import lifecycle

    due = due or (date(2026, 11, 30), date(2026, 12, 21))
    s = lifecycle.intake(start(created=now), ctx(now)).state
    s = lifecycle.assess(s, assessment(), ctx(now)).state
    s = lifecycle.decide(s, decision(Gate.initiation), ctx(now)).state
    s = lifecycle.submit_plan(s, plan(*due), ctx(now)).state
    return lifecycle.decide(s, decision(Gate.plan), ctx(now)).state


def later(days: float, hours: float = 0) -> timedelta:
    return timedelta(days=days, hours=hours)


def utc_due(y: int, m: int, d: int) -> datetime:
    """The 18:00 cut-off of a local day: what every deadline is."""
    return at(y, m, d, 18)
