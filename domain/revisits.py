"""The revisit 回访 after completion as pure rules (RULES §lifecycle 11; 002 §2(3)3, 003 §4.3).

1. A completed project schedules its revisit: the task opens `policy.revisit.after_working_days`
   working days after completion (at that day's cut-off), for the project's agent, or, with
   `policy.revisit.assignee` customer_service (revisits started with the patch), for customer
   service 客服 of the project's department or the whole company, by role like a complaint.
2. It is due `revisit` SLA working days after it opens, reminded then escalated when missed
   (the assignee → dept_head → executive).
3. The assignee records the customer's 1–5 rating, comments and suggestions (also before the
   task opens: a customer reached early is not turned away); a rating below
   the satisfaction threshold raises the satisfaction warning for the project's agent and the
   department (domain/satisfaction.py), whoever recorded it. Then the revisit is done.
4. Since issue 14 (revisits started with the patch, `state.follow_up`): later revisits on a
   schedule, and the warning's cause analysis with its measures (domain/revisit_after.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import revisit_after as after
from domain import service_steps as kinds
from domain import waits
from domain.approval import escalation_target
from domain.errors import AlreadyDecided, Forbidden
from domain.models import Actor, Role
from domain.policy import ProjectPolicy
from domain.project import Wait
from domain.satisfaction import rate_after_project
from domain.service_models import RevisitCommand, RevisitStart, RevisitStatus
from domain.service_state import RevisitState
from domain.step_kinds import About
from domain.steps import BaseOutcome, Context


class RevisitOutcome(BaseOutcome[RevisitState]):
    """A revisit transition's result."""


def revisit_id(project_id: str) -> str:
    return f"revisit-{project_id}"


# 1. Scheduled at completion.
def for_customer_service(policy: ProjectPolicy) -> bool:
    """The company's policy gives revisits to customer service 客服 (`revisit.assignee`)."""
    return policy.revisit.assignee == "customer_service"


def schedule(start: RevisitStart, ctx: Context, follow_up: bool = False, sla_in_hours: bool = False,
             customer_service: bool = False) -> RevisitOutcome:  # fmt: skip
    """`customer_service`: the policy gives revisits to customer service and the workflow's
    patch allows it (an older history schedules for the agent, as it did)."""
    assert start.calendar is not None, "a revisit starts with its official dates"
    opens_at = ctx.calendar.add_working_days(start.completed_at, ctx.policy.revisit.after_working_days)
    state = RevisitState(project_id=start.project_id, department=start.department, agent=start.agent,
                         customer_user_id=start.customer_user_id, completed_at=start.completed_at,
                         opens_at=opens_at, updated_at=ctx.now, calendar=start.calendar,
                         follow_up=follow_up, sla_in_hours=sla_in_hours,
                         assignee_role=Role.customer_service if customer_service else Role.agent)  # fmt: skip
    if follow_up:
        state.later = after.later_openings(start, ctx, opens_at)
    out = RevisitOutcome.begin(state, ctx)
    out.record(kinds.RevisitScheduled(agent_id=start.agent.user_id, completed_at=start.completed_at, opens_at=opens_at))
    return out


# 2. The task opens, and is chased when missed.
def open_task(out: RevisitOutcome) -> None:
    s, ctx = out.state, out.ctx
    # Counted from the day it opens: due at the cut-off of the n-th working day after it; an
    # SLA in working hours or minutes from the moment it opens (revisits started since the patch).
    sla = ctx.policy.sla("revisit")
    if s.sla_in_hours and (sla.working_hours is not None or sla.minutes is not None):
        due = waits.due_in(ctx, "revisit", s.opens_at)
    else:
        due = ctx.calendar.add_working_days(s.opens_at - timedelta(seconds=1), sla.working_days)
    s.status = RevisitStatus.open
    if s.assignee_role == Role.customer_service:
        s.task = Wait(sla="revisit", role=Role.customer_service, department=s.department, since=ctx.now, due_at=due)
        out.record(kinds.RevisitOpened(assignee_role=Role.customer_service, due_at=due))
    else:
        s.task = Wait(sla="revisit", role=Role.agent, user_id=s.agent.user_id, user_name=s.agent.name,
                      department=s.department, since=ctx.now, due_at=due)  # fmt: skip
        out.record(kinds.RevisitOpened(assignee_id=s.agent.user_id, due_at=due))
    out.notify("assigned", "notify.assigned.revisit", s.task.role, s.task.user_id, due_at=due)


def ladder(wait: Wait, levels_up: int) -> tuple[Role, str | None]:
    """Above a revisit's assignee, agent or customer service: the dept_head, then the executive."""
    return escalation_target(Role.agent, levels_up), None


def clocks(state: RevisitState, ctx: Context) -> list[tuple[datetime, str]]:
    found = [(at, f"owed:{i}") for i, w in enumerate(after.owed(state)) if (at := waits.next_step_at(w, ctx))]
    if state.status == RevisitStatus.scheduled:
        return [(state.opens_at, "open"), *found]
    if state.status == RevisitStatus.open and state.task is not None:
        at = waits.next_step_at(state.task, ctx)
        return ([(at, "task")] if at is not None else []) + found
    return found


def next_due(state: RevisitState, ctx: Context) -> datetime | None:
    return min((at for at, _ in clocks(state, ctx)), default=None)


def tick(state: RevisitState, ctx: Context) -> RevisitOutcome:
    out = RevisitOutcome.begin(state, ctx)
    s = out.state
    owed = after.owed(s)
    for at, name in clocks(s, ctx):
        if at > ctx.now:
            continue
        if name == "open":
            open_task(out)
        elif name.startswith("owed:"):
            w = owed[int(name.removeprefix("owed:"))]
            waits.escalate(out, w, after.about(w))
        elif s.task is not None:
            target = ladder if s.assignee_role == Role.customer_service else None
            waits.escalate(out, s.task, About(what="revisit"), target)
    return out


# 3. Recorded by the assignee.
def is_assignee(assignee_role: Role, assignee_id: str | None, department: str, actor: Actor) -> bool:
    """The agent by id; customer service of the department, or of the whole company (none)."""
    if assignee_role == Role.customer_service:
        return actor.role == Role.customer_service and actor.department in (None, department)
    return actor.role == Role.agent and actor.user_id == assignee_id


def check_revisit(state: RevisitState, cmd: RevisitCommand) -> None:
    if not is_assignee(state.assignee_role, state.assignee_user_id(), state.department, cmd.actor):
        if state.assignee_role == Role.customer_service:
            raise Forbidden(f"the revisit of project {state.project_id} is for customer service of {state.department}",
                            "revisit_customer_service", project_id=state.project_id, department=state.department)
        raise Forbidden(f"the revisit of project {state.project_id} is assigned to {state.agent.label()}",
                        "assigned_to", who=state.agent.label())
    if state.status == RevisitStatus.done:
        raise AlreadyDecided(f"the revisit of project {state.project_id} is already recorded",
                             "revisit_recorded", project_id=state.project_id)


def record(state: RevisitState, cmd: RevisitCommand, ctx: Context) -> RevisitOutcome:
    check_revisit(state, cmd)
    out, body = RevisitOutcome.begin(state, ctx), cmd.body
    s = out.state
    s.status, s.rating, s.done_at = RevisitStatus.done, body.rating, ctx.now
    if s.task is None:  # before it opened: it never will
        s.opens_at = min(s.opens_at, ctx.now)
    on_time = s.task is None or ctx.now <= s.task.due_at
    out.record(kinds.RevisitDone(rating=body.rating, suggestions=body.suggestions, on_time=on_time),
               cmd.actor, body.comments)  # fmt: skip
    raised = rate_after_project(out, body.rating, cmd.actor, source="revisit", source_id=revisit_id(s.project_id),
                                project_id=s.project_id, agent_id=s.agent.user_id, department=s.department)  # fmt: skip
    if s.follow_up:
        if raised:
            after.ask_analysis(out)
        after.next_round(out)
    return out
