"""Complaints 投诉 as pure rules (RULES §Complaints and feedback; 002 §2(3)2, 003 §4.3).

1. Filing: the complaint goes to customer service (客服) when the company has them (issue 14;
   003 四, 4.3), else to the project's dept_head, or to operations when it names no project.
   It owes a first reply within `complaint_first_reply` working days and an answer
   within `complaint_resolution` working days, both counted from filing.
2. Replies, by the assignee or above (the department's dept_head, the executive,
   operations): the first reply meets the first-reply deadline; a reply that is
   `resolved`, or explains what could not be solved (`unresolved_reason`), is the answer.
   The answer goes to the customer, who owes a confirmation within
   `complaint_confirmation` working days (staff confirm for a customer without an account).
   A reply may ask the running project for rectification tasks (the workflow sends them).
   Customer service coordinate: a reply names the departments involved, whose dept heads
   are told and may reply too; their answer records the finding, `valid` (apology and
   handling) or `unfounded` (explanation).
3. Confirmation: satisfied closes the complaint; unsatisfied reopens it for another round
   with a new resolution deadline. Either way the rating is recorded: by the running
   project (its own `rate` update), or here when the project has finished or none is named
   (domain/satisfaction.py).
Every wait is reminded, then escalated (docs/service.md); a silent customer is chased by
the assignee, then the executive.
"""

from __future__ import annotations

from datetime import datetime

from domain import service_steps as kinds
from domain import waits
from domain.approval import escalation_target
from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Actor, Role
from domain.project import Wait
from domain.satisfaction import rate_after_project
from domain.service_models import ComplaintStart, ComplaintStatus, ConfirmCommand, ProjectAnswer, ReplyCommand
from domain.service_state import ComplaintState
from domain.step_kinds import About
from domain.steps import BaseOutcome, Context

KEYS = ("notify.complaint.reminder", "notify.complaint.escalation")
WAITS = ("first_reply", "resolution", "confirmation")
SLA = {name: f"complaint_{name}" for name in WAITS}
OPEN = (ComplaintStatus.open, ComplaintStatus.in_progress)


class ComplaintOutcome(BaseOutcome[ComplaintState]):
    """A complaint transition's result."""


def wait(state: ComplaintState, name: str, role: Role, since: datetime, due_at: datetime,
         user_id: str | None = None) -> Wait:  # fmt: skip
    return Wait(sla=SLA[name], role=role, user_id=user_id, department=state.department if role != Role.customer
                else None, since=since, due_at=due_at)  # fmt: skip


# 1. Filing.
def file(start: ComplaintStart, ctx: Context, via_customer_service: bool = False) -> ComplaintOutcome:
    """`via_customer_service`: the company has customer service and the workflow's patch
    allows it (an old history files as it did)."""
    assert start.calendar is not None, "a complaint starts with its official dates"
    role = Role.dept_head if start.project_id else Role.operations
    if via_customer_service:
        role = Role.customer_service
    first_due = waits.due_in(ctx, SLA["first_reply"], start.filed_at)
    resolution_due = waits.due_in(ctx, SLA["resolution"], start.filed_at)
    state = ComplaintState(
        complaint_id=start.complaint_id, project_id=start.project_id, department=start.department,
        agent=start.agent, customer_user_id=start.customer_user_id, channel=start.channel, assignee_role=role,
        filed_at=start.filed_at, updated_at=start.filed_at, calendar=start.calendar,
        first_reply_due_at=first_due, resolution_due_at=resolution_due,
    )  # fmt: skip
    state.first_reply = wait(state, "first_reply", role, start.filed_at, first_due)
    state.resolution = wait(state, "resolution", role, start.filed_at, resolution_due)
    out = ComplaintOutcome.begin(state, ctx)
    out.record(kinds.Filed(channel=start.channel, project_id=start.project_id, assignee_role=role,
                           first_reply_due_at=first_due, resolution_due_at=resolution_due), start.filed_by)  # fmt: skip
    out.notify("assigned", "notify.complaint.assigned", role, None, first_reply_due_at=first_due,
               resolution_due_at=resolution_due)  # fmt: skip
    return out


# 2. Replies.
def check_replier(state: ComplaintState, actor: Actor) -> None:
    """The assignee or above: the department's dept_head (a complaint about its project),
    the executive, operations; customer service and the dept heads of the departments
    involved when customer service have it."""
    if actor.role in (Role.executive, Role.operations):
        return
    if state.assignee_role == Role.customer_service:
        if actor.role == Role.customer_service:
            return
        if actor.role == Role.dept_head and actor.department in (state.department, *state.coordinating):
            return
    if actor.role == Role.dept_head and state.assignee_role == Role.dept_head:
        if actor.department == state.department:
            return
        raise Forbidden(f"{actor.label()} heads {actor.department}, not {state.department}",
                        "heads_other", who=actor.label(), department=actor.department, theirs=state.department)
    raise Forbidden(f"a {actor.role.value} cannot answer complaint {state.complaint_id}",
                    "role_cannot", role=actor.role.value)


def check_reply(state: ComplaintState, cmd: ReplyCommand) -> None:
    check_replier(state, cmd.actor)
    if state.status == ComplaintStatus.answered:
        raise WrongStage(f"complaint {state.complaint_id} is answered and awaits the customer's confirmation",
                         "complaint_awaits_confirmation", complaint_id=state.complaint_id)
    if state.status == ComplaintStatus.closed:
        raise WrongStage(f"complaint {state.complaint_id} is closed",
                         "complaint_closed", complaint_id=state.complaint_id)
    if cmd.body.rectification and state.project_id is None:
        raise Invalid("rectification: this complaint names no project to open tasks in", "complaint_no_project")
    check_customer_service(state, cmd)


def check_customer_service(state: ComplaintState, cmd: ReplyCommand) -> None:
    """Coordination and the finding are customer service's (or above); an answer routed
    through them states the finding."""
    body, role = cmd.body, cmd.actor.role
    leads = role in (Role.customer_service, Role.executive, Role.operations)
    if (body.coordinate or body.finding) and not (state.assignee_role == Role.customer_service and leads):
        raise Forbidden("customer service coordinate a complaint and record its finding", "complaint_service_only")
    if state.assignee_role == Role.customer_service and body.is_answer and body.finding is None:
        raise Invalid("finding: the answer states whether the complaint was found valid or unfounded", "finding_needed")


def reply(state: ComplaintState, cmd: ReplyCommand, ctx: Context) -> ComplaintOutcome:
    check_reply(state, cmd)
    out, body = ComplaintOutcome.begin(state, ctx), cmd.body
    s, now = out.state, ctx.now
    first = s.first_replied_at is None
    s.replies += 1
    if first:
        s.first_replied_at, s.first_reply = now, None
    on_time = now <= s.first_reply_due_at if first else None
    out.record(kinds.Replied(round=s.round, resolved=body.resolved, answer=body.is_answer, first=first, on_time=on_time,
                             unresolved_reason=body.unresolved_reason, rectification=body.rectification,
                             coordinate=body.coordinate, finding=body.finding, apology=body.apology,
                             handling=body.handling, explanation=body.explanation),
               cmd.actor, body.reply)  # fmt: skip
    coordinate(out, body.coordinate)
    if body.finding is not None:
        s.finding = body.finding.value
    if not body.is_answer:
        s.status = ComplaintStatus.in_progress
        if s.customer_user_id:
            out.notify("info", "notify.complaint.replied", Role.customer, s.customer_user_id)
        return out
    s.status, s.answered_at, s.resolved, s.resolution = ComplaintStatus.answered, now, body.resolved, None
    due = waits.due_in(ctx, SLA["confirmation"])
    if s.customer_user_id:
        s.confirmation = wait(s, "confirmation", Role.customer, now, due, s.customer_user_id)
        out.notify("assigned", "notify.complaint.answered", Role.customer, s.customer_user_id, due_at=due)
    else:  # no account: the assignee asks the customer and confirms for them
        s.confirmation = wait(s, "confirmation", s.assignee_role, now, due)
        out.notify("assigned", "notify.complaint.confirm_for_customer", s.assignee_role, None, due_at=due)
    return out


def coordinate(out: ComplaintOutcome, departments: list[str]) -> None:
    """Each newly involved department's dept head is told (and may reply from now on)."""
    s = out.state
    for d in dict.fromkeys(departments):
        if d in s.coordinating:
            continue
        s.coordinating.append(d)
        out.notify("assigned", "notify.complaint.coordinate", Role.dept_head, None, department=d)
        out.notices[-1] = out.notices[-1].model_copy(update={"department": d})


def tasks_result(state: ComplaintState, answer: ProjectAnswer, reply_seq: int, ctx: Context) -> ComplaintOutcome:
    """What the project did with the reply's rectification: tasks opened, or why none could be
    (a finished project takes none)."""
    out = ComplaintOutcome.begin(state, ctx)
    opened = kinds.TasksOpened if answer.applied else kinds.TasksNotOpened
    out.record(opened(project_id=state.project_id, reply_seq=reply_seq, task_ids=answer.task_ids), None, answer.reason)
    return out


# 3. Confirmation.
def check_confirm(state: ComplaintState, cmd: ConfirmCommand) -> None:
    if cmd.actor.role == Role.customer:
        if state.customer_user_id is None or cmd.actor.user_id != state.customer_user_id:
            raise Forbidden(f"only the customer of complaint {state.complaint_id} may confirm it",
                            "complaint_customer_only", complaint_id=state.complaint_id)
    else:
        check_replier(state, cmd.actor)  # staff confirm on the customer's behalf
    if state.status != ComplaintStatus.answered:
        raise WrongStage(f"complaint {state.complaint_id} is {state.status.value}: there is no answer to confirm",
                         "complaint_nothing_to_confirm", complaint_id=state.complaint_id)


def confirm(state: ComplaintState, cmd: ConfirmCommand, ctx: Context) -> ComplaintOutcome:
    check_confirm(state, cmd)
    out, body = ComplaintOutcome.begin(state, ctx), cmd.body
    s = out.state
    s.rating, s.satisfied, s.confirmation = body.rating, body.satisfied, None
    out.record(kinds.Confirmed(satisfied=body.satisfied, rating=body.rating, round=s.round,
                               on_behalf=cmd.actor.role != Role.customer, suggestions=body.suggestions),
               cmd.actor, body.comment)  # fmt: skip
    if body.satisfied:
        s.status, s.closed_at = ComplaintStatus.closed, ctx.now
        out.record(kinds.Closed(round=s.round, resolved=s.resolved))
        return out
    s.round, s.status, s.resolved = s.round + 1, ComplaintStatus.in_progress, None
    s.resolution_due_at = waits.due_in(ctx, SLA["resolution"])
    s.resolution = wait(s, "resolution", s.assignee_role, ctx.now, s.resolution_due_at)
    out.record(kinds.Reopened(round=s.round, resolution_due_at=s.resolution_due_at))
    out.notify("assigned", "notify.complaint.reopened", s.assignee_role, None, round=s.round,
               due_at=s.resolution_due_at)  # fmt: skip
    return out


def rating_routed(state: ComplaintState, answer: ProjectAnswer | None, actor: Actor, ctx: Context) -> ComplaintOutcome:
    """The confirmation's rating: taken by the running project (`answer.applied`), else
    recorded here with the satisfaction warning it may raise."""
    out = ComplaintOutcome.begin(state, ctx)
    s = out.state
    assert s.rating is not None
    if answer is not None and answer.applied:
        out.record(kinds.RatingSent(project_id=s.project_id, rating=s.rating))
        return out
    agent_id = s.agent.user_id if s.agent else None
    rate_after_project(out, s.rating, actor, source="complaint", source_id=s.complaint_id, project_id=s.project_id,
                       agent_id=agent_id, department=s.department)  # fmt: skip
    return out


# Deadlines.
def clocks(state: ComplaintState, ctx: Context) -> list[tuple[datetime, str]]:
    found = []
    for name in WAITS:
        w = getattr(state, name)
        if w is not None and (at := waits.next_step_at(w, ctx)) is not None:
            found.append((at, name))
    return found


def next_due(state: ComplaintState, ctx: Context) -> datetime | None:
    return min((at for at, _ in clocks(state, ctx)), default=None)


def chase(state: ComplaintState) -> waits.Target:
    """Who is told when a wait is late: a silent customer goes to the assignee, then the
    executive; the assignee's waits go up the ladder (operations as a dept_head would)."""

    def target(w: Wait, levels_up: int) -> tuple[Role, str | None]:
        if w.role == Role.customer:
            return (state.assignee_role if levels_up == 1 else Role.executive), None
        return escalation_target(w.role, levels_up), None

    return target


def tick(state: ComplaintState, ctx: Context) -> ComplaintOutcome:
    out = ComplaintOutcome.begin(state, ctx)
    s = out.state
    for at, name in sorted(clocks(s, ctx)):
        if at <= ctx.now and (w := getattr(s, name)) is not None:
            waits.escalate(out, w, About(what=SLA[name], round=str(s.round)), target=chase(s), keys=KEYS)
    return out

