"""Frozen: the checks behind ProjectWorkflow v1's update validators (workflows/v1/__init__.py).

Each guard raises a typed `JinduError` (403 role/ownership, 409 stage or duplicate,
422 content, 404 unknown task) and never changes the state. Order: role first, then
stage, then the finer checks, so a customer posting a decision is told 403 whatever
the stage.
"""

from __future__ import annotations

from datetime import date

from domain.errors import AlreadyDecided, Conflict, Forbidden, Invalid, NotFound, WrongStage
from domain.models import TERMINAL_STAGES, Gate, Role, Stage, TaskSource, TaskStatus
from workflows.v1.commands import (
    AcceptanceCommand,
    Actor,
    CompleteTaskCommand,
    DecideCommand,
    PlanCommand,
    ReportCommand,
    ResultsCommand,
    WarningAnalysisCommand,
)
from workflows.v1.state import ProjectState

GATE_STAGE = {
    Gate.initiation: Stage.initiation_approval,
    Gate.plan: Stage.plan_approval,
    Gate.result_review: Stage.result_review,
}
REPORTING_STAGES = frozenset({Stage.execution, Stage.rectification})
# Rectification work that must be closed before results are resubmitted.
BLOCKING_SOURCES = frozenset({TaskSource.review_rejection, TaskSource.customer_objection})


def require_stage(state: ProjectState, *stages: Stage) -> None:
    if state.stage not in stages:
        wanted = " or ".join(s.value for s in stages)
        raise WrongStage(f"project {state.project_id} is in stage {state.stage.value}, not {wanted}")


def require_project_agent(state: ProjectState, actor: Actor) -> None:
    if actor.role != Role.agent:
        raise Forbidden(f"only the project's agent may do this, not a {actor.role.value}")
    if actor.user_id != state.agent_id:
        raise Forbidden(f"project {state.project_id} belongs to agent {state.agent_name}")


def require_department_head(state: ProjectState, actor: Actor) -> None:
    if actor.role != Role.dept_head:
        raise Forbidden(f"only a dept_head of {state.department} may do this, not a {actor.role.value}")
    if actor.department != state.department:
        raise Forbidden(f"{actor.name} heads {actor.department}, not {state.department}")


def check_assess(state: ProjectState, actor: Actor) -> None:
    require_project_agent(state, actor)
    require_stage(state, Stage.assessment)


def check_plan(state: ProjectState, cmd: PlanCommand, today: date) -> None:
    require_project_agent(state, cmd.actor)
    require_stage(state, Stage.planning)
    late = [m.name for m in cmd.body.milestones if m.due_date < today]
    if late:
        raise Invalid(f"milestones due before today ({today.isoformat()}): {', '.join(late)}")


def check_decision(state: ProjectState, cmd: DecideCommand) -> None:
    actor, gate = cmd.actor, cmd.body.gate
    if actor.role not in (Role.dept_head, Role.executive):
        raise Forbidden(f"a {actor.role.value} cannot decide approval gates")
    if actor.role == Role.dept_head and actor.department != state.department:
        raise Forbidden(f"{actor.name} heads {actor.department}, not {state.department}")
    round_ = state.gate_rounds.get(gate.value, 0)
    decided = [a for a in state.approvals if a.gate == gate and a.round == round_]
    if state.stage != GATE_STAGE[gate]:
        if decided:
            raise AlreadyDecided(f"the {gate.value} gate is already decided ({decided[-1].decision.value})")
        raise WrongStage(f"project {state.project_id} is in stage {state.stage.value}, not awaiting {gate.value}")
    pending = state.pending
    if pending is None or pending.gate != gate:
        raise WrongStage(f"no {gate.value} decision is pending")
    if any(a.level == actor.role for a in decided):
        raise AlreadyDecided(f"{actor.role.value} already decided the {gate.value} gate")
    if pending.role != actor.role:
        raise Forbidden(f"the {gate.value} gate awaits the {pending.role.value}, not the {actor.role.value}")


def check_report(state: ProjectState, cmd: ReportCommand) -> None:
    require_project_agent(state, cmd.actor)
    require_stage(state, *REPORTING_STAGES)
    check_milestone_names(state, cmd.body.completed_milestones)


def check_results(state: ProjectState, cmd: ResultsCommand) -> None:
    require_project_agent(state, cmd.actor)
    require_stage(state, Stage.execution, Stage.rectification)
    check_milestone_names(state, cmd.body.completed_milestones)
    if state.stage == Stage.rectification:
        still_open = [t for t in state.open_tasks() if t.source in BLOCKING_SOURCES]
        if still_open:
            raise Conflict(
                f"{len(still_open)} rectification task(s) still open: " + ", ".join(t.id for t in still_open)
            )


def check_milestone_names(state: ProjectState, names: list[str]) -> None:
    known = {m.name for m in state.milestones}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise Invalid(f"unknown milestones: {', '.join(unknown)}")


def check_acceptance(state: ProjectState, cmd: AcceptanceCommand) -> None:
    actor = cmd.actor
    if state.customer_user_id is not None:
        if actor.role != Role.customer or actor.user_id != state.customer_user_id:
            raise Forbidden("only the project's customer may answer the acceptance")
    elif actor.role != Role.agent or actor.user_id != state.agent_id:
        # No customer account: the agent records the signed acceptance confirmation 验收确认书.
        raise Forbidden("only the project's agent may record the customer's acceptance")
    require_stage(state, Stage.customer_acceptance)


def check_complete_task(state: ProjectState, cmd: CompleteTaskCommand) -> None:
    if state.stage in TERMINAL_STAGES:
        raise WrongStage(f"project {state.project_id} is already {state.stage.value}")
    task = state.task(cmd.task_id)
    if task is None:
        raise NotFound(f"no rectification task {cmd.task_id} in project {state.project_id}")
    if cmd.actor.user_id != task.owner_user_id:
        raise Forbidden(f"task {task.id} belongs to {task.owner_name}")
    if task.status != TaskStatus.open:
        raise AlreadyDecided(f"task {task.id} is already {task.status.value}")


def check_warning_analysis(state: ProjectState, cmd: WarningAnalysisCommand) -> None:
    require_department_head(state, cmd.actor)
    if not state.warning.active:
        raise WrongStage(f"project {state.project_id} has no active progress warning")
    if state.warning.cause is not None:
        raise AlreadyDecided("the cause of this warning is already analysed")
    missing = [m.owner for m in cmd.body.measures if m.owner not in cmd.owners]
    if missing:
        raise Invalid(f"unknown measure owners: {', '.join(missing)}")


def check_cancel(state: ProjectState, actor: Actor) -> None:
    if actor.role != Role.operations:
        raise Forbidden(f"only operations may cancel a project, not a {actor.role.value}")
    if state.stage in TERMINAL_STAGES or state.stage == Stage.archiving:
        raise WrongStage(f"project {state.project_id} is already {state.stage.value}")
