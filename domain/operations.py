"""What operations (运营管理中心) may do to a running project, each recorded as done by them:
hand work to someone else, extend a deadline, publish a new year's holiday calendar.
Deciding for an absent approver is a `decide` with `on_behalf_of` (domain/lifecycle.py).
"""

from __future__ import annotations

from datetime import timedelta

from domain import guards
from domain import step_kinds as kinds
from domain.commands import PublishCalendarCommand
from domain.operator_commands import ExtendDeadlineCommand, ReassignCommand
from domain.project import PendingAction, ProjectState, RectificationTask, Wait
from domain.steps import Context, Outcome


def what(wait: Wait) -> str:
    if isinstance(wait, PendingAction):
        return wait.kind
    return "task" if isinstance(wait, RectificationTask) else "warning_analysis"


def reassign(state: ProjectState, cmd: ReassignCommand, ctx: Context) -> Outcome:
    guards.check_reassign(state, cmd)
    out = Outcome.begin(state, ctx)
    wait = guards.wait_target(out.state, cmd.body.target)
    before = wait.label()
    wait.user_id, wait.user_name = cmd.to.user_id, cmd.to.name
    wait.department = cmd.to.department or wait.department
    out.record(kinds.Reassigned(target=cmd.body.target, previous=before, to=cmd.to.name, to_id=cmd.to.user_id,
                                to_role=cmd.to.role, department=wait.department),
               cmd.actor, cmd.body.reason)  # fmt: skip
    out.notify("assigned", "notify.reassigned", wait.role, wait.user_id, what=what(wait), due_at=wait.due_at)
    return out


def extend_deadline(state: ProjectState, cmd: ExtendDeadlineCommand, ctx: Context) -> Outcome:
    """The new deadline is `working_days` working days after the old one; its escalation
    chain starts again from there."""
    guards.check_extend_deadline(state, cmd)
    out = Outcome.begin(state, ctx)
    wait = guards.wait_target(out.state, cmd.body.target)
    before = wait.due_at
    wait.due_at = ctx.calendar.add_working_days(before - timedelta(seconds=1), cmd.body.working_days)
    wait.steps_done = 0
    out.record(kinds.DeadlineExtended(target=cmd.body.target, previous_due_at=before, due_at=wait.due_at,
                                      working_days=cmd.body.working_days), cmd.actor, cmd.body.reason)  # fmt: skip
    out.notify("info", "notify.deadline_extended", wait.role, wait.user_id, what=what(wait), due_at=wait.due_at)
    return out


def publish_calendar(state: ProjectState, cmd: PublishCalendarCommand, ctx: Context) -> Outcome:
    """A newly published year's holidays reach a running project as a recorded step; past
    deadlines stay as they were, later ones are counted on the new dates."""
    guards.check_publish_calendar(state, cmd)
    out = Outcome.begin(state, ctx)
    out.state.calendar = state.calendar.with_year(cmd.year, cmd.dates)
    out.record(kinds.CalendarPublished(year=cmd.year, holidays=cmd.dates.holidays, workdays=cmd.dates.workdays),
               cmd.actor)
    return out
