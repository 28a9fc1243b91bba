"""Following a customer up 跟进 as pure rules (RULES §Customers before and around a project;
004 第4篇 §7, §10). CustomerWorkflow (`customer-<id>`) is their adapter.

1. A customer's next follow-up falls due by grade (policy `customers.cadence`: A every 2
   working days, B weekly, C every two weeks, D monthly), or earlier on the `next_on` date
   the agent gives with a follow-up.
2. Missed, it is reminded to the owner at the due time, escalated to the dept head
   `escalate_after_working_days` later, and `pool_after_working_days` after the due time the
   customer returns to the department's pool 公海 (the owner loses it).
3. A pooled customer has no due follow-up until an agent claims it; the cadence starts again.
4. A customer registered for its owner by someone else (rotation 轮值, customer service, a
   dept head) is a consultation awaiting the owner's first response: the first follow-up
   falls due within the SLA `consultation_first_response` (default `{"minutes": 30}`, counted
   in working time; 003 4.1), or the grade's date when that is earlier.
5. Every follow-up is entered promptly: a visit within the SLA `visit_registration` (default
   `{"minutes": 30}`; `{"working_hours": n}` or `{"working_days": n}` too, counted in working
   time), any other contact on the working day it happened.
The state holds ids, the grade and dates only: what was said stays in PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import WorkCalendar
from domain.commands import Command
from domain.customers_policy import Cadence, Grade
from domain.errors import Invalid, WrongStage
from domain.models import Actor, Role
from domain.project import Wait
from domain.service_models import Carries
from domain.service_state import Subject
from domain.sla import Duration, WorkingHours, due_at
from domain.steps import BaseOutcome, Context, Step
from domain.text import RequiredLong
from domain.waits import due_in

SLA = "follow_up"
FIRST_RESPONSE = "consultation_first_response"
DONE_STEPS = 3  # reminded, escalated, pooled


class Way(StrEnum):
    call = "call"
    visit = "visit"
    wechat = "wechat"
    viewing = "viewing"


class CustomerStatus(StrEnum):
    active = "active"
    pooled = "pooled"


class FollowUpIn(BaseModel):
    """`POST /v1/customers/{id}/follow-ups`: one contact with the customer."""

    model_config = ConfigDict(extra="forbid")

    way: Way
    content: RequiredLong = Field(description="What was said or done (stored encrypted, never in Temporal)")
    next_on: date | None = Field(default=None, description="When to follow up next (the grade's cadence at latest)")
    grade: Grade | None = Field(default=None, description="A new grade, if the intent changed")
    happened_at: datetime | None = Field(default=None, description="When it happened; now if absent")


class CustomerStart(Carries):
    """CustomerWorkflow's input, from the customer row the API wrote first: ids only."""

    customer_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    department: str
    grade: Grade
    since: datetime
    first_response: bool = Field(default=False, description="Registered for its owner by someone else: the "
                                 "owner's first contact is owed within the SLA consultation_first_response")
    carried: str | None = Field(default=None, description="The state as JSON, when continued as new")


class FollowedUp(Command):
    """The follow-up as the workflow sees it: its id, way and dates, never its content."""

    follow_up_id: str
    way: Way
    happened_at: datetime
    next_on: date | None = None
    grade: Grade | None = None


class Regrade(Command):
    grade: Grade


class Claim(Command):
    """An agent took the pooled customer (or a dept head gave it to one)."""


class CustomerAck(BaseModel):
    seq: int
    status: str
    due_at: datetime | None = None


class CustomerState(Subject):
    customer_id: str
    department: str
    grade: Grade
    status: CustomerStatus = CustomerStatus.active
    follow_up: Wait | None = None
    last_follow_up_at: datetime | None = None
    follow_ups: int = 0

    def notice_scope(self) -> tuple[dict[str, Any], str | None]:
        return {"customer_id": self.customer_id, "grade": self.grade.value}, self.department

    def waits(self) -> list[Wait]:
        return [self.follow_up] if self.follow_up is not None else []

    def read_view(self) -> dict[str, Any]:
        """The customer_master row's follow-up columns (activities/customers.py)."""
        w = self.follow_up
        stage = None if w is None else ("due", "reminded", "escalated", "pooled")[min(w.steps_done, DONE_STEPS)]
        if stage == "due" and w is not None and w.sla == FIRST_RESPONSE:
            stage = "first_response"
        return {"status": self.status.value, "grade": self.grade.value, "stage": stage,
                "due_at": w.due_at.isoformat() if w else None,
                "last_follow_up_at": self.last_follow_up_at.isoformat() if self.last_follow_up_at else None}


class CustomerOutcome(BaseOutcome[CustomerState]):
    def fact(self, kind: str, data: dict[str, Any], actor: Actor | None = None) -> int:
        """Record a step of the customer's own kinds (kept in customer_changes, not events)."""
        s = self.state
        s.seq += 1
        s.updated_at = self.ctx.now
        self.steps.append(Step(seq=s.seq, kind=kind, actor=actor, data=data))
        return s.seq


def cadence_due(since: datetime, cadence: Cadence, calendar: WorkCalendar) -> datetime:
    """The cut-off of the day the next follow-up is owed: `working_days` after `since`, or
    `days` calendar days later (the next working day when that one is off)."""
    if cadence.working_days is not None:
        return calendar.add_working_days(since, cadence.working_days)
    d = calendar.local_date(since) + timedelta(days=cadence.days or 0)
    while not calendar.is_working_day(d):
        d += timedelta(days=1)
    return calendar.end_of_day(d)


def _owe(out: CustomerOutcome, since: datetime, next_on: date | None = None) -> Wait:
    s, ctx = out.state, out.ctx
    due = cadence_due(since, ctx.policy.customers.cadence[s.grade], ctx.calendar)
    if next_on is not None:
        due = min(due, ctx.calendar.end_of_day(next_on))
    s.follow_up = Wait(sla=SLA, role=Role.agent, department=s.department, since=since, due_at=due)
    return s.follow_up


def start(start: CustomerStart, ctx: Context) -> CustomerOutcome:
    assert start.calendar is not None, "a customer's workflow starts with its official dates"
    state = CustomerState(customer_id=start.customer_id, department=start.department, grade=start.grade,
                          updated_at=start.since, calendar=start.calendar)  # fmt: skip
    out = CustomerOutcome.begin(state, ctx)
    wait = _owe(out, start.since)
    fact: dict[str, Any] = {"grade": start.grade.value, "due_at": wait.due_at.isoformat()}
    if start.first_response and (first := due_in(ctx, FIRST_RESPONSE, start.since)) < wait.due_at:
        wait.sla, wait.due_at = FIRST_RESPONSE, first
        fact.update(due_at=first.isoformat(), sla=FIRST_RESPONSE)
    out.fact("following", fact)
    return out


def check_follow_up(state: CustomerState, cmd: FollowedUp) -> None:
    if state.status == CustomerStatus.pooled:
        raise WrongStage("the customer is in the pool: claim it first", "in_pool_claim")
    if cmd.next_on is not None and cmd.next_on < cmd.happened_at.date() - timedelta(days=1):
        raise Invalid("next_on: before the follow-up itself", "before_follow_up")


def follow_up(state: CustomerState, cmd: FollowedUp, ctx: Context) -> CustomerOutcome:
    check_follow_up(state, cmd)
    out = CustomerOutcome.begin(state, ctx)
    s = out.state
    if cmd.grade is not None:
        s.grade = cmd.grade
    s.follow_ups += 1
    s.last_follow_up_at = max(cmd.happened_at, s.last_follow_up_at or cmd.happened_at)
    wait = _owe(out, ctx.now, cmd.next_on)
    out.fact("followed_up", {"follow_up_id": cmd.follow_up_id, "way": cmd.way.value, "grade": s.grade.value,
                             "due_at": wait.due_at.isoformat()}, cmd.actor)  # fmt: skip
    return out


def regrade(state: CustomerState, cmd: Regrade, ctx: Context) -> CustomerOutcome:
    out = CustomerOutcome.begin(state, ctx)
    s = out.state
    s.grade = cmd.grade
    w = s.follow_up
    awaiting_first = w is not None and w.sla == FIRST_RESPONSE and w.steps_done == 0  # its deadline stays
    if s.status == CustomerStatus.active and not awaiting_first:
        _owe(out, s.last_follow_up_at or ctx.now)
    out.fact("regraded", {"grade": cmd.grade.value}, cmd.actor)
    return out


def check_claim(state: CustomerState) -> None:
    if state.status != CustomerStatus.pooled:
        raise WrongStage("the customer is not in the pool", "not_in_pool")


def claim(state: CustomerState, cmd: Claim, ctx: Context) -> CustomerOutcome:
    check_claim(state)
    out = CustomerOutcome.begin(state, ctx)
    out.state.status = CustomerStatus.active
    wait = _owe(out, ctx.now)
    out.fact("claimed", {"due_at": wait.due_at.isoformat()}, cmd.actor)
    out.notify("assigned", "customer.assigned", Role.agent, cmd.actor.user_id, how="认领 claimed", due_at=wait.due_at)
    return out


# --------------------------------------------------------------------------- the clock


def step_times(wait: Wait, cadence: Cadence, calendar: WorkCalendar) -> list[datetime]:
    """When it is reminded, escalated and pooled."""
    def after(days: int) -> datetime:
        return wait.due_at if days == 0 else calendar.add_working_days(wait.due_at - timedelta(seconds=1), days)

    return [wait.due_at, after(cadence.escalate_after_working_days), after(cadence.pool_after_working_days)]


def next_due(state: CustomerState, ctx: Context) -> datetime | None:
    w = state.follow_up
    if state.status != CustomerStatus.active or w is None or w.steps_done >= DONE_STEPS:
        return None
    return step_times(w, ctx.policy.customers.cadence[state.grade], ctx.calendar)[w.steps_done]


def tick(state: CustomerState, ctx: Context) -> CustomerOutcome:
    out = CustomerOutcome.begin(state, ctx)
    s = out.state
    while (at := next_due(s, ctx)) is not None and at <= ctx.now:
        w = s.follow_up
        assert w is not None
        w.steps_done += 1
        due = {"due_at": w.due_at.isoformat(), "step": w.steps_done}
        if w.steps_done == 1:
            out.fact("reminded", due)
            out.notify("reminder", "customer.follow_up.reminder", Role.agent, None, due_at=w.due_at)
        elif w.steps_done == 2:
            out.fact("escalated", {**due, "to_role": Role.dept_head.value})
            out.notify("escalation", "customer.follow_up.escalation", Role.dept_head, None, due_at=w.due_at,
                       assignee="owner")  # fmt: skip
        else:
            s.status = CustomerStatus.pooled
            out.fact("pooled", due)
            out.notify("info", "customer.follow_up.pooled", Role.dept_head, None, due_at=w.due_at)
            out.notify("info", "customer.follow_up.pooled", Role.agent, None, due_at=w.due_at)
    return out


# --------------------------------------------------------------------------- timeliness


def entered_on_time(way: Way, happened_at: datetime, entered_at: datetime, calendar: WorkCalendar,
                    visit_registration: Duration, hours: WorkingHours) -> bool:  # fmt: skip
    """A visit within the policy's SLA `visit_registration`; any contact on its own working day."""
    if way == Way.visit:
        return entered_at <= due_at(happened_at, visit_registration, calendar, hours)
    return calendar.effective_day(entered_at) <= calendar.effective_day(happened_at)

