"""What a person may do next on a project, asked of the guards themselves (domain/guards.py,
domain/risks.py): an action is allowed when its guard, given the project as recorded and a
probe command, raises nothing. The API returns the list in the project view; the web
renders forms from it and restates no rule.

The read model holds less than the workflow's state (no approval round, no deadlines the
guards look at), so a `ProjectState` is rebuilt from what the view shows, with neutral
values where a guard never looks. Listing an action decides nothing: the workflow's update
validators answer every command.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache, partial
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from domain import guards, risks
from domain.commands import (
    AcceptanceCommand,
    AcceptanceIn,
    CompleteTaskCommand,
    DecideCommand,
    DecisionIn,
    PlanCommand,
    PlanIn,
    ReportCommand,
    ResultsCommand,
    ResultsIn,
    WarningAnalysisCommand,
    WarningAnalysisIn,
    WeeklyReportIn,
)
from domain.errors import AlreadyDecided, JinduError, WrongStage
from domain.models import TERMINAL_STAGES, Actor, CauseCategory, Channel, Gate, Role, Stage, TaskSource
from domain.operator_commands import ExtendDeadlineCommand, ExtendDeadlineIn, ReassignCommand, ReassignIn
from domain.project import PendingAction, PendingKind, ProjectState, RectificationTask, Wait

# The lifecycle in order (domain/lifecycle.py), to its completion; the other ends stop it early.
LIFECYCLE = tuple(s for s in Stage if s == Stage.completed or s not in TERMINAL_STAGES)
# What operations do on a project (docs/workspace.md §Safe operator actions).
OPERATOR_ACTIONS = ("decide_for", "reassign", "extend", "cancel", "dispose")
# The action that answers each kind of pending action.
ANSWERS: dict[str, str] = {"assessment": "assessment", "approval": "decision", "plan": "plan",
                           "results": "results", "rectification": "results", "acceptance": "acceptance"}  # fmt: skip
DEPARTMENT_BOUND = frozenset({Role.agent, Role.dept_head})
DISPOSED = "customer_data_disposed"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # where a guard never looks: a wait's dates
_PROBE = "\x00probe"  # a user id no person has (ids are visible ASCII)


class Facts(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="ignore")


class PendingFacts(Facts):
    kind: PendingKind
    gate: Gate | None = None
    role: Role
    user_id: str | None = None
    department: str | None = None


class WarningFacts(Facts):
    active: bool = False
    cause: str | None = None
    analysis_due_at: datetime | None = Field(default=None, description="Set while the cause analysis is owed")
    analysis_user_id: str | None = None


class TaskFacts(Facts):
    id: str
    source: TaskSource
    owner_user_id: str
    owner_role: Role
    department: str | None = None
    status: str = "open"


class StepFacts(Facts):
    kind: str


class ProjectFacts(Facts):
    """The project as its view shows it (api/schemas.ProjectView, or its JSON)."""

    id: str
    stage: Stage
    department: str
    agent_id: str
    customer_user_id: str | None = None
    pending: PendingFacts | None = None
    warning: WarningFacts = Field(default_factory=WarningFacts)
    tasks: list[TaskFacts] = Field(default_factory=list)
    history: list[StepFacts] = Field(default_factory=list)

    @field_validator("warning", "tasks", "history", mode="before")
    @classmethod
    def _withheld(cls, value: Any, info: ValidationInfo) -> Any:
        """A part the reader's view withholds (None) counts as empty."""
        return {} if value is None and info.field_name == "warning" else [] if value is None else value

    @property
    def open_tasks(self) -> list[TaskFacts]:
        return [t for t in self.tasks if t.status == "open"]


def as_state(view: ProjectFacts) -> ProjectState:
    """The guards' input, rebuilt from the view."""
    at = {"sla": "view", "since": _EPOCH, "due_at": _EPOCH}
    state = ProjectState(
        project_id=view.id, stage=view.stage, department=view.department, business_type="", channel=Channel.visit,
        agent=Actor.model_construct(user_id=view.agent_id, role=Role.agent, department=view.department),
        customer_user_id=view.customer_user_id, created_at=_EPOCH, updated_at=_EPOCH,
    )  # fmt: skip
    if (p := view.pending) is not None:
        state.pending = PendingAction(kind=p.kind, gate=p.gate, role=p.role, user_id=p.user_id,
                                      department=p.department or view.department, **at)  # fmt: skip
    state.rectification.tasks = [
        RectificationTask(id=t.id, source=t.source, role=t.owner_role, user_id=t.owner_user_id,
                          department=t.department, **at) for t in view.open_tasks
    ]  # fmt: skip
    w = view.warning
    state.warning.active = w.active
    state.warning.cause = CauseCategory(w.cause) if w.cause else None
    if w.analysis_due_at is not None and w.cause is None:
        state.warning.analysis = Wait(role=Role.dept_head, user_id=w.analysis_user_id, department=view.department,
                                      **at)  # fmt: skip
    return state


def targets(view: ProjectFacts) -> list[str]:
    """The open waits operations may hand over or give more time (`target` as the API names it)."""
    if view.stage in TERMINAL_STAGES:
        return []
    found = ["pending"] if view.pending is not None else []
    if view.warning.active and view.warning.cause is None and view.warning.analysis_due_at is not None:
        found.append("warning_analysis")
    return found + [f"task:{t.id}" for t in view.open_tasks]


def handovers(view: ProjectFacts, actor: Actor) -> dict[str, bool]:
    """Each open wait operations may act on, and whether they may hand it to someone else
    (False: only more time, e.g. a customer's acceptance)."""
    if actor.role != Role.operations:
        return {}
    state = as_state(view)
    return {t: passes(partial(_reassign, state, actor, t)) for t in targets(view)
            if passes(partial(_extend, state, actor, t))}  # fmt: skip


def check_dispose(project_id: str, stage: Stage, disposed: bool, actor: Actor) -> None:
    """RULES §Customer information: operations, once the relationship has ended, and once."""
    guards.require_operations(actor, "dispose of customer data")
    if stage not in TERMINAL_STAGES:
        raise WrongStage(f"project {project_id} is still {stage.value}; its customer data is in use",
                         "data_in_use", project_id=project_id, stage=stage.value)
    if disposed:
        raise AlreadyDecided(f"the customer data of project {project_id} is already disposed of",
                             "data_disposed", project_id=project_id)


def candidates(role: Role, department: str | None) -> tuple[Role, str | None]:
    """Whom work of this role may go to: the same role, and for an agent or a dept_head the
    same department (no other could open the project)."""
    return role, department if role in DEPARTMENT_BOUND else None


M = TypeVar("M", bound=BaseModel)


@cache
def _factories(model: type[BaseModel]) -> tuple[tuple[str, Callable[[], Any]], ...]:
    """The model's plain default factories, looked at once: `model_construct` would inspect
    each factory's signature on every call (pydantic 2.14), most of a project view's CPU."""
    return tuple((name, f.default_factory) for name, f in model.model_fields.items()  # type: ignore[misc]
                 if f.default_factory is not None and not f.default_factory_takes_validated_data)  # fmt: skip


def probe(model: type[M], **fields: Any) -> M:
    """A command with only the fields its guard reads (no validation: a probe is never sent)."""
    for name, factory in _factories(model):
        if name not in fields:
            fields[name] = factory()
    return model.model_construct(**fields)


def passes(check: Callable[[], object]) -> bool:
    try:
        check()
    except JinduError:
        return False
    return True


def _decide(state: ProjectState, actor: Actor, behalf: Actor | None) -> None:
    """The pending gate, decided by `actor` (for `behalf`)."""
    if state.pending is None or state.pending.gate is None:
        raise WrongStage(f"project {state.project_id} awaits no decision",
                         "no_decision_pending", project_id=state.project_id)
    body = probe(DecisionIn, gate=state.pending.gate)
    cmd = probe(DecideCommand, actor=actor, body=body, on_behalf_of=behalf)
    guards.approver(cmd)
    guards.check_decision(state, cmd)


def _reassign(state: ProjectState, actor: Actor, target: str) -> None:
    wait = guards.wait_target(state, target)
    to = Actor.model_construct(user_id=_PROBE, role=wait.role, department=wait.department)
    guards.check_reassign(state, probe(ReassignCommand, actor=actor, to=to, body=probe(ReassignIn, target=target)))


def _extend(state: ProjectState, actor: Actor, target: str) -> None:
    body = probe(ExtendDeadlineIn, target=target)
    guards.check_extend_deadline(state, probe(ExtendDeadlineCommand, actor=actor, body=body))


def _complete(state: ProjectState, actor: Actor, task_id: str) -> None:
    guards.check_complete_task(state, probe(CompleteTaskCommand, actor=actor, task_id=task_id))


@cache
def _bodies() -> tuple[PlanIn, WeeklyReportIn, ResultsIn, AcceptanceIn, WarningAnalysisIn]:
    """The personal probes' bodies, the same for every reader: made once (guards only read them)."""
    return (probe(PlanIn, milestones=()), probe(WeeklyReportIn, completed_milestones=()),
            probe(ResultsIn, completed_milestones=()), probe(AcceptanceIn), probe(WarningAnalysisIn, measures=()))


def _personal(view: ProjectFacts, state: ProjectState, actor: Actor) -> list[str]:
    plan_in, report_in, results_in, acceptance_in, analysis_in = _bodies()
    plan = probe(PlanCommand, actor=actor, body=plan_in)
    report = probe(ReportCommand, actor=actor, body=report_in)
    results = probe(ResultsCommand, actor=actor, body=results_in)
    acceptance = probe(AcceptanceCommand, actor=actor, body=acceptance_in)
    analysis = probe(WarningAnalysisCommand, actor=actor, body=analysis_in, owners={})
    checks: dict[str, Callable[[], object]] = {
        "assessment": partial(guards.check_assess, state, actor),
        "plan": partial(guards.check_plan, state, plan, date.min),  # no milestone: the date is never read
        "decision": partial(_decide, state, actor, None),
        "report": partial(guards.check_report, state, report),
        "results": partial(guards.check_results, state, results),
        "acceptance": partial(guards.check_acceptance, state, acceptance),
        "warning_analysis": partial(guards.check_warning_analysis, state, analysis),
        "risk_add": partial(risks.check_keeper, state, actor),
        "risk_update": partial(risks.check_keeper, state, actor),
    }
    allowed = [name for name, check in checks.items() if passes(check)]
    first = ANSWERS.get(view.pending.kind) if view.pending else None
    return sorted(allowed, key=lambda a: a != first)  # the pending action, most pressing, first


def _operator(view: ProjectFacts, state: ProjectState, actor: Actor) -> list[str]:
    if actor.role != Role.operations:
        return []
    allowed: list[str] = []
    p = state.pending
    if p is not None and p.role in (Role.dept_head, Role.executive):
        behalf = Actor.model_construct(user_id=p.user_id or _PROBE, role=p.role, department=p.department)
        if passes(partial(_decide, state, actor, behalf)):
            allowed.append("decide_for")
    open_waits = targets(view)
    if any(passes(partial(_reassign, state, actor, t)) for t in open_waits):
        allowed.append("reassign")
    if any(passes(partial(_extend, state, actor, t)) for t in open_waits):
        allowed.append("extend")
    if passes(partial(guards.check_cancel, state, actor)):
        allowed.append("cancel")
    if passes(partial(check_dispose, view.id, view.stage, any(s.kind == DISPOSED for s in view.history), actor)):
        allowed.append("dispose")
    return allowed


def allowed_actions(view: ProjectFacts | object, actor: Actor) -> list[str]:
    """The actions `actor` may take on the project now, the pending one first: the personal
    forms (`assessment`, `plan`, `decision`, `report`, `results`, `acceptance`,
    `warning_analysis`, `risk_add`, `risk_update`), `task:<id>` for each open rectification
    task they may close, then operations' (`decide_for`, `reassign`, `extend`, `cancel`,
    `dispose`)."""
    facts = view if isinstance(view, ProjectFacts) else ProjectFacts.model_validate(view)
    key = (facts.model_dump_json(exclude=_UNASKED), any(s.kind == DISPOSED for s in facts.history),
           actor.model_dump_json())  # fmt: skip
    answer = _ANSWERED.get(key)
    if answer is None:
        if len(_ANSWERED) >= ANSWERS_KEPT:
            _ANSWERED.clear()
        answer = _ANSWERED[key] = tuple(ask_guards(facts, actor))
    return list(answer)


# The guards' answers by what they were asked: every fact but the project's id (which only
# their refusals' messages name) and of the history only whether the customer data was
# disposed of (`_operator`), and the whole actor. Guards are pure functions of the state and
# the command (domain/guards.py), and `as_state` builds the state from these facts alone, so
# the same facts and reader get the same list: ~150 µs of probes a view, against ~15 µs for the key.
_UNASKED: set[str] = {"id", "history"}
ANSWERS_KEPT = 4096
_ANSWERED: dict[tuple[str, bool, str], tuple[str, ...]] = {}


def ask_guards(facts: ProjectFacts, actor: Actor) -> list[str]:
    state = as_state(facts)
    tasks = [f"task:{t.id}" for t in facts.open_tasks if passes(partial(_complete, state, actor, t.id))]
    return [*_personal(facts, state, actor), *tasks, *_operator(facts, state, actor)]
