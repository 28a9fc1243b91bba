"""After-sales beyond the first revisit (issue 14; 002 二(三)3, 003 4.1): later revisits on a
schedule, and the cause analysis of a satisfaction warning a revisit raises after the
project has finished, tracked to its measures 整改措施 here since the project's workflow
has ended.

1. `policy.revisit.later_days` (e.g. [30, 180]) are calendar days after completion: each
   opens at the cut-off of that day (or the next working day) once the one before is
   recorded, for the same assignee (the agent, or customer service), reminded and escalated
   like the first.
2. A rating below the threshold raises the satisfaction warning (domain/satisfaction.py) and
   asks the department's dept_head for the cause analysis within `warning_analysis`.
3. The analysis (as a running project's: cause, analysis, measures with owners and working
   day deadlines) opens each measure as a rectification task of the project; its owner
   closes it. The revisit ends when every round is recorded and nothing is owed.
Only revisits whose workflow took the patch (`state.follow_up`) do any of this.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import service_steps as kinds
from domain import step_kinds as project_kinds
from domain import waits
from domain.commands import CompleteTaskCommand, WarningAnalysisCommand
from domain.errors import Forbidden, Invalid, NotFound, WrongStage
from domain.models import Role, TaskSource
from domain.project import Wait
from domain.service_models import RevisitStart, RevisitStatus
from domain.service_state import Measure, RevisitState
from domain.step_kinds import About
from domain.steps import BaseOutcome, Context

SUMMARY_CHARS = 80


def later_openings(start: RevisitStart, ctx: Context, first: datetime) -> list[datetime]:
    days = sorted(set(ctx.policy.revisit.later_days))
    found = [ctx.calendar.add_working_days(start.completed_at + timedelta(days=d), 0) for d in days]
    return [at for at in found if at > first]


def next_round(out: BaseOutcome[RevisitState]) -> None:
    """Once a revisit is recorded, the next on the schedule, if any."""
    s = out.state
    if not s.later:
        return
    s.round, s.opens_at, s.status, s.task = s.round + 1, s.later.pop(0), RevisitStatus.scheduled, None
    out.record(kinds.RevisitScheduled(agent_id=s.agent.user_id, completed_at=s.completed_at, opens_at=s.opens_at,
                                      round=s.round))  # fmt: skip


def ask_analysis(out: BaseOutcome[RevisitState]) -> None:
    s, ctx = out.state, out.ctx
    if s.analysis is None:
        s.analysis = Wait(sla="warning_analysis", role=Role.dept_head, department=s.department, since=ctx.now,
                          due_at=waits.due_in(ctx, "warning_analysis"))  # fmt: skip


def check_analysis(state: RevisitState, cmd: WarningAnalysisCommand) -> None:
    actor = cmd.actor
    if actor.role != Role.dept_head or actor.department != state.department:
        raise Forbidden(f"only a dept_head of {state.department} may analyse its satisfaction warnings",
                        "satisfaction_by_head", department=state.department)
    if state.analysis is None:
        raise WrongStage(f"no satisfaction warning of project {state.project_id} awaits a cause analysis",
                         "no_satisfaction_warning", project_id=state.project_id)
    missing = [m.owner for m in cmd.body.measures if m.owner not in cmd.owners]
    if missing:
        raise Invalid(f"unknown measure owners: {', '.join(missing)}", "unknown_owners", owners=missing)


def analyse(state: RevisitState, cmd: WarningAnalysisCommand, ctx: Context) -> BaseOutcome[RevisitState]:
    check_analysis(state, cmd)
    out, body = BaseOutcome[RevisitState].begin(state, ctx), cmd.body
    s = out.state
    s.cause, s.analysis = body.cause.value, None
    out.record(project_kinds.WarningAnalysed(cause=body.cause, measures=len(body.measures)), cmd.actor, body.analysis)
    for m in body.measures:
        owner, s.measures_opened = cmd.owners[m.owner], s.measures_opened + 1
        task_id = f"{s.project_id}-rv{s.measures_opened}"
        due = ctx.calendar.add_working_days(ctx.now, m.deadline_working_days)
        department = owner.department or s.department
        s.measures.append(Measure(id=task_id, summary=m.description[:SUMMARY_CHARS], sla="rectification_task",
                                  role=owner.role, user_id=owner.user_id, user_name=owner.name, department=department,
                                  since=ctx.now, due_at=due))  # fmt: skip
        created = project_kinds.TaskCreated(task_id=task_id, source=TaskSource.progress_warning, owner_id=owner.user_id,
                                            owner=owner.name, owner_role=owner.role, department=department, due_at=due)
        out.record(created, None, m.description)
        out.notify("assigned", "notify.assigned.task", owner.role, owner.user_id, task_id=task_id,
                   summary=m.description[:SUMMARY_CHARS], due_at=due)  # fmt: skip
    return out


def check_complete(state: RevisitState, cmd: CompleteTaskCommand) -> None:
    measure = next((m for m in state.measures if m.id == cmd.task_id), None)
    if measure is None:
        raise NotFound(f"no open measure {cmd.task_id} of project {state.project_id}",
                       "no_open_measure", task_id=cmd.task_id, project_id=state.project_id)
    if cmd.actor.user_id != measure.user_id:
        raise Forbidden(f"task {measure.id} belongs to {measure.label()}", "assigned_to", who=measure.label())


def complete(state: RevisitState, cmd: CompleteTaskCommand, ctx: Context) -> BaseOutcome[RevisitState]:
    check_complete(state, cmd)
    out = BaseOutcome[RevisitState].begin(state, ctx)
    s = out.state
    s.measures = [m for m in s.measures if m.id != cmd.task_id]
    out.record(project_kinds.TaskCompleted(task_id=cmd.task_id, source=TaskSource.progress_warning), cmd.actor,
               cmd.body.resolution)  # fmt: skip
    return out


def owed(state: RevisitState) -> list[Wait]:
    """The analysis and the measures still owed."""
    return [w for w in (state.analysis, *state.measures) if w is not None]


def about(w: Wait) -> About:
    if isinstance(w, Measure):
        return About(what="task", task_id=w.id, summary=w.summary)
    return About(what="warning_analysis")

