"""Who may do what, when: the checks behind every update validator.

Each guard raises a typed `JinduError` (403 role or ownership, 409 stage or duplicate,
422 content, 404 unknown task) and never changes the state. Order: role first, then
stage, then the finer checks, so a customer posting a decision is told 403 whatever the
stage. Transitions (domain/lifecycle.py) run the same guard again when they apply, since
the state may have moved between validation and execution.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.commands import (
    AcceptanceCommand,
    CompleteTaskCommand,
    DecideCommand,
    PlanCommand,
    PublishCalendarCommand,
    ReportCommand,
    ResultsCommand,
    WarningAnalysisCommand,
)
from domain.errors import AlreadyDecided, Conflict, Forbidden, Invalid, NotFound, WrongStage
from domain.models import TERMINAL_STAGES, Actor, Gate, Role, Stage, TaskSource
from domain.operator_commands import ExtendDeadlineCommand, ReassignCommand
from domain.project import ProjectState, Wait

GATE_STAGE = {
    Gate.initiation: Stage.initiation_approval,
    Gate.plan: Stage.plan_approval,
    Gate.result_review: Stage.result_review,
}
REPORTING_STAGES = frozenset({Stage.execution, Stage.rectification})
# Rectification work that must be closed before results are resubmitted.
BLOCKING_SOURCES = frozenset({TaskSource.review_rejection, TaskSource.customer_objection})
PLAN_HORIZON = timedelta(days=3650)


def require_stage(state: ProjectState, *stages: Stage) -> None:
    if state.stage not in stages:
        wanted = " or ".join(s.value for s in stages)
        raise WrongStage(f"project {state.project_id} is in stage {state.stage.value}, not {wanted}",
                         "wrong_stage", project_id=state.project_id, stage=state.stage.value,
                         wanted=[s.value for s in stages])


def require_agent(state: ProjectState, actor: Actor) -> None:
    """The project's agent, or the agent a pending action was reassigned to."""
    if actor.role != Role.agent:
        raise Forbidden(f"only the project's agent may do this, not a {actor.role.value}",
                        "agent_only", role=actor.role.value)
    pending = state.pending
    if actor.user_id not in {state.agent.user_id, pending.user_id if pending else None}:
        raise Forbidden(f"project {state.project_id} belongs to agent {state.agent.label()}",
                        "assigned_to", who=state.agent.label())


def require_operations(actor: Actor, action: str) -> None:
    if actor.role != Role.operations:
        raise Forbidden(f"only operations may {action}, not a {actor.role.value}",
                        "operations_only", role=actor.role.value)


def check_assess(state: ProjectState, actor: Actor) -> None:
    require_agent(state, actor)
    require_stage(state, Stage.assessment)


def check_plan(state: ProjectState, cmd: PlanCommand, today: date) -> None:
    require_agent(state, cmd.actor)
    require_stage(state, Stage.planning)
    late = [m.name for m in cmd.body.milestones if m.due_date < today]
    if late:
        raise Invalid(f"milestones due before today ({today.isoformat()}): {', '.join(late)}",
                      "milestones_past", milestones=late)
    far = [m.name for m in cmd.body.milestones if m.due_date > today + PLAN_HORIZON]
    if far:
        raise Invalid(f"milestones more than ten years ahead: {', '.join(far)}", "milestones_far", milestones=far)


def approver(cmd: DecideCommand) -> Actor:
    """Who decides: the actor, or the absent approver operations decide for."""
    if cmd.on_behalf_of is None:
        if cmd.actor.role not in (Role.dept_head, Role.executive):
            raise Forbidden(f"a {cmd.actor.role.value} cannot decide approval gates",
                            "role_cannot", role=cmd.actor.role.value)
        return cmd.actor
    require_operations(cmd.actor, "decide on behalf of an approver")
    return cmd.on_behalf_of


def check_decision(state: ProjectState, cmd: DecideCommand) -> None:
    who, gate = approver(cmd), cmd.body.gate
    if who.role == Role.dept_head and who.department != state.department:
        raise Forbidden(f"{who.label()} heads {who.department}, not {state.department}",
                        "heads_other", who=who.label(), department=who.department, theirs=state.department)
    decided = state.approvals.this_round(gate)
    if state.stage != GATE_STAGE[gate]:
        if decided:
            raise AlreadyDecided(f"the {gate.value} gate is already decided ({decided[-1].decision.value})",
                                 "gate_decided", gate=gate.value, decision=decided[-1].decision.value)
        raise WrongStage(f"project {state.project_id} is in stage {state.stage.value}, not awaiting {gate.value}",
                         "not_awaiting_gate", project_id=state.project_id, stage=state.stage.value, gate=gate.value)
    pending = state.pending
    if pending is None or pending.gate != gate:
        raise WrongStage(f"no {gate.value} decision is pending", "gate_not_pending", gate=gate.value)
    if any(a.level == who.role for a in decided):
        raise AlreadyDecided(f"{who.role.value} already decided the {gate.value} gate",
                             "role_decided_gate", role=who.role.value, gate=gate.value)
    if pending.role != who.role:
        raise Forbidden(f"the {gate.value} gate awaits the {pending.role.value}, not the {who.role.value}",
                        "gate_awaits", gate=gate.value, role=pending.role.value, mine=who.role.value)
    if pending.user_id is not None and pending.user_id != who.user_id:
        raise Forbidden(f"the {gate.value} gate was assigned to {pending.label()}", "assigned_to", who=pending.label())


def check_report(state: ProjectState, cmd: ReportCommand) -> None:
    require_agent(state, cmd.actor)
    require_stage(state, *REPORTING_STAGES)
    check_milestone_names(state, cmd.body.completed_milestones)


def check_results(state: ProjectState, cmd: ResultsCommand) -> None:
    require_agent(state, cmd.actor)
    require_stage(state, Stage.execution, Stage.rectification)
    check_milestone_names(state, cmd.body.completed_milestones)
    if state.stage == Stage.rectification:
        still_open = [t for t in state.rectification.tasks if t.source in BLOCKING_SOURCES]
        if still_open:
            ids = [t.id for t in still_open]
            raise Conflict(f"{len(ids)} rectification task(s) still open: " + ", ".join(ids), "tasks_open", tasks=ids)


def check_milestone_names(state: ProjectState, names: list[str]) -> None:
    known = {m.name for m in state.milestones}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise Invalid(f"unknown milestones: {', '.join(unknown)}", "unknown_milestones", milestones=unknown)


def check_acceptance(state: ProjectState, cmd: AcceptanceCommand) -> None:
    actor = cmd.actor
    if state.customer_user_id is not None:
        if actor.role != Role.customer or actor.user_id != state.customer_user_id:
            raise Forbidden("only the project's customer may answer the acceptance", "acceptance_customer_only")
    else:
        # No customer account: the agent records the signed acceptance confirmation 验收确认书.
        require_agent(state, actor)
    require_stage(state, Stage.customer_acceptance)


def check_complete_task(state: ProjectState, cmd: CompleteTaskCommand) -> None:
    if state.stage in TERMINAL_STAGES:
        raise WrongStage(f"project {state.project_id} is already {state.stage.value}",
                         "already_stage", project_id=state.project_id, stage=state.stage.value)
    task = state.rectification.task(cmd.task_id)
    if task is None:
        raise NotFound(f"no open rectification task {cmd.task_id} in project {state.project_id}",
                       "no_open_task", task_id=cmd.task_id, project_id=state.project_id)
    if cmd.actor.user_id != task.user_id:
        raise Forbidden(f"task {task.id} belongs to {task.label()}", "assigned_to", who=task.label())


def check_warning_analysis(state: ProjectState, cmd: WarningAnalysisCommand) -> None:
    analysis, actor = state.warning.analysis, cmd.actor
    if analysis is not None and analysis.user_id is not None:
        if actor.user_id != analysis.user_id:
            raise Forbidden(f"the cause analysis was assigned to {analysis.label()}",
                            "assigned_to", who=analysis.label())
    elif actor.role != Role.dept_head or actor.department != state.department:
        raise Forbidden(f"only a dept_head of {state.department} may analyse its progress warnings",
                        "analysis_by_head", department=state.department)
    if not state.warning.active:
        raise WrongStage(f"project {state.project_id} has no active progress warning",
                         "no_active_warning", project_id=state.project_id)
    if state.warning.cause is not None:
        raise AlreadyDecided("the cause of this warning is already analysed", "warning_analysed")
    missing = [m.owner for m in cmd.body.measures if m.owner not in cmd.owners]
    if missing:
        raise Invalid(f"unknown measure owners: {', '.join(missing)}", "unknown_owners", owners=missing)


def check_cancel(state: ProjectState, actor: Actor) -> None:
    require_operations(actor, "cancel a project")
    if state.stage in TERMINAL_STAGES or state.stage == Stage.archiving:
        raise WrongStage(f"project {state.project_id} is already {state.stage.value}",
                         "already_stage", project_id=state.project_id, stage=state.stage.value)


def wait_target(state: ProjectState, target: str) -> Wait:
    """`pending`, `warning_analysis` or `task:<id>`: an open wait of the project."""
    found: Wait | None
    if target == "pending":
        found = state.pending
    elif target == "warning_analysis":
        found = state.warning.analysis
    else:
        found = state.rectification.task(target.removeprefix("task:"))
    if found is None:
        raise NotFound(f"project {state.project_id} has no open {target}",
                       "nothing_open", project_id=state.project_id, target=target)
    return found


def check_reassign(state: ProjectState, cmd: ReassignCommand) -> None:
    require_operations(cmd.actor, "reassign work")
    wait = wait_target(state, cmd.body.target)
    if wait.role == Role.customer:
        raise Conflict("a customer's acceptance cannot be reassigned", "acceptance_not_reassigned")
    if cmd.to.role != wait.role:
        raise Invalid(f"{cmd.to.label()} is a {cmd.to.role.value}; this work needs a {wait.role.value}",
                      "needs_role", who=cmd.to.label(), role=cmd.to.role.value, needs=wait.role.value)
    if cmd.to.user_id == wait.user_id:
        raise AlreadyDecided(f"this work is already assigned to {cmd.to.label()}",
                             "already_assigned", who=cmd.to.label())


def check_extend_deadline(state: ProjectState, cmd: ExtendDeadlineCommand) -> None:
    require_operations(cmd.actor, "extend deadlines")
    wait_target(state, cmd.body.target)


def check_publish_calendar(state: ProjectState, cmd: PublishCalendarCommand) -> None:
    require_operations(cmd.actor, "publish the holiday calendar")
    try:
        cmd.dates.check_year(cmd.year)
    except ValueError as err:
        raise Invalid(str(err), "calendar_invalid", detail=str(err), year=cmd.year,
                      dates=cmd.dates.outside(cmd.year)) from err
    if state.calendar.years.get(cmd.year) == cmd.dates:
        raise AlreadyDecided(f"the {cmd.year} calendar is already in use with these dates",
                             "calendar_in_use", year=cmd.year)
