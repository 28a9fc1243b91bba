"""Waits on people: opening them with a working-day deadline, and their escalation chains
(RULES §Deadlines and escalation, §Rectification tasks).

Every wait — pending action, warning analysis, rectification task, risk review — is reminded and
escalated the same way: the policy's chain for its SLA, step *k* at the cut-off *k*
working days after the deadline (docs/calendar.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from domain import step_kinds as kinds
from domain.approval import escalation_target
from domain.models import Actor, Gate, Role, TaskSource
from domain.project import PendingAction, PendingKind, RectificationTask, Wait
from domain.sla import due_at
from domain.steps import BaseOutcome, Context, Outcome

APPROVAL_SLA = {Gate.initiation: "initiation_approval", Gate.plan: "plan_approval", Gate.result_review: "result_review"}
SUMMARY_CHARS = 80


def due_in(ctx: Context, sla: str, since: datetime | None = None) -> datetime:
    """The SLA's deadline from `since` (now), in working days, hours or minutes (domain/sla.py)."""
    return due_at(since or ctx.now, ctx.policy.sla(sla), ctx.calendar, ctx.policy.calendar.working_hours)


def pending(out: Outcome, kind: PendingKind, sla: str, role: Role, *, user: Actor | None = None,
            gate: Gate | None = None, due_at: datetime | None = None) -> PendingAction:
    """Make `role` (or `user`) the one the project waits on, and tell them."""
    s, ctx = out.state, out.ctx
    s.pending = PendingAction(
        kind=kind, sla=sla, gate=gate, role=role,
        user_id=user.user_id if user else None,
        user_name=user.name if user and role != Role.customer else None,
        department=s.department, since=ctx.now, due_at=due_at or due_in(ctx, sla),
    )  # fmt: skip
    return s.pending


def announce_pending(out: Outcome) -> None:
    p = out.state.pending
    if p is not None:
        out.notify("assigned", f"notify.assigned.{p.kind}", p.role, p.user_id, gate=p.gate, due_at=p.due_at)


def to_agent(out: Outcome, kind: PendingKind, sla: str, due_at: datetime | None = None) -> None:
    pending(out, kind, sla, Role.agent, user=out.state.agent, due_at=due_at)


def approval(out: Outcome, gate: Gate, role: Role) -> None:
    pending(out, "approval", APPROVAL_SLA[gate], role, gate=gate)


def acceptance(out: Outcome) -> None:
    s = out.state
    if s.customer_user_id:
        customer = Actor(user_id=s.customer_user_id, role=Role.customer)
        pending(out, "acceptance", "customer_acceptance", Role.customer, user=customer)
    else:
        to_agent(out, "acceptance", "customer_acceptance")


def open_task(out: Outcome, source: TaskSource, description: str, owner: Actor, due_at: datetime) -> str:
    """A rectification task 整改 with an owner and a deadline, recorded with its description."""
    s, ctx = out.state, out.ctx
    r = s.rectification
    r.tasks_opened += 1
    task = RectificationTask(
        id=f"{s.project_id}-t{r.tasks_opened}", source=source, round=r.round, summary=description[:SUMMARY_CHARS],
        sla="rectification_task", role=owner.role, user_id=owner.user_id, user_name=owner.name,
        department=owner.department or s.department, since=ctx.now, due_at=due_at,
    )  # fmt: skip
    r.tasks.append(task)
    out.record(kinds.TaskCreated(task_id=task.id, source=source, owner_id=owner.user_id, owner=owner.name,
                                 owner_role=owner.role, department=task.department, due_at=due_at, round=r.round),
               None, description)  # fmt: skip
    out.notify("assigned", "notify.assigned.task", owner.role, owner.user_id, task_id=task.id,
               summary=task.summary, due_at=due_at)  # fmt: skip
    return task.id


# --------------------------------------------------------------------------- escalation


def next_step_at(wait: Wait, ctx: Context) -> datetime | None:
    """When the wait's next escalation step fires; None when its chain is done."""
    chain = ctx.policy.sla(wait.sla).chain
    if wait.steps_done >= len(chain):
        return None
    after = chain[wait.steps_done].after_working_days
    # Whole working days after the deadline's own working day.
    return wait.due_at if after == 0 else ctx.calendar.add_working_days(wait.due_at - timedelta(seconds=1), after)


Target = Callable[[Wait, int], tuple[Role, "str | None"]]
KEYS = ("notify.reminder", "notify.escalation")


def escalate(out: BaseOutcome[Any], wait: Wait, about: kinds.About, /, target: Target | None = None,
             keys: tuple[str, str] = KEYS) -> None:  # fmt: skip
    """Fire the wait's next step: remind the assignee, or tell the role `levels_up` above
    (`target` says who that is; by default the project's ladder, the agent by name)."""
    step = out.ctx.policy.sla(wait.sla).chain[wait.steps_done]
    wait.steps_done += 1
    due = {**about.data(), "due_at": wait.due_at, "step": wait.steps_done}
    facts = {**due, "due_at": wait.due_at.isoformat()}
    if step.action == "remind":
        out.record(kinds.Reminded.model_validate({**due, "to_role": wait.role}))
        out.notify("reminder", keys[0], wait.role, wait.user_id, **facts)
        return
    above, above_user = (target or project_ladder(out))(wait, step.levels_up)
    out.record(kinds.Escalated.model_validate({**due, "to_role": above, "levels_up": step.levels_up,
                                               "assignee": wait.label()}))  # fmt: skip
    out.notify("escalation", keys[1], above, above_user, assignee=wait.label(), **facts)


def project_ladder(out: BaseOutcome[Any]) -> Target:
    def target(wait: Wait, levels_up: int) -> tuple[Role, str | None]:
        role = escalation_target(wait.role, levels_up)
        return role, out.state.agent.user_id if role == Role.agent else None

    return target
