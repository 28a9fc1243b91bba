"""Costs 成本 against a project's budget (issue 14; 000 二(一)3, 002 二(二)2): the budget
approved at initiation is tracked against the costs recorded while the work runs. A cost is a
step of the project's workflow (its `record_cost` update); the first cost that takes the total
past the budget raises a project warning (reason `over_budget`) whose cause the dept head
analyses like any other, and tells them (`notify.budget_exceeded`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import Field

from domain import step_kinds as kinds
from domain.commands import Command, Strict
from domain.cost_steps import CostRecorded
from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Role, Stage
from domain.project import ProjectState, Wait, WarningState
from domain.steps import Context, Outcome
from domain.text import RequiredComment
from domain.waits import due_in

# Once the budget is approved and until the project ends.
COST_STAGES = frozenset({Stage.planning, Stage.plan_approval, Stage.execution, Stage.result_review,
                         Stage.rectification, Stage.customer_acceptance, Stage.archiving})  # fmt: skip
OVER_BUDGET = "over_budget"  # a warning's reason: `over_budget 8000.01 > 8000` (domain/warning_reasons.py)


class CostIn(Strict):
    """One cost 成本 of the project."""

    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="Yuan")
    description: RequiredComment = Field(description="What it was spent on")
    spent_on: date = Field(description="The day it was spent (not in the future)")


class CostCommand(Command):
    body: CostIn


@dataclass(frozen=True)
class Against:
    """The project's costs against its budget after a cost."""

    total: Decimal
    budget: Decimal | None
    over_budget: bool
    newly_over: bool  # this cost took the total past the budget: the dept head is warned


def check_record(actor_role: Role, actor_id: str, actor_department: str | None, agent_id: str, department: str,
                 stage: Stage, today: date, spent_on: date) -> None:  # fmt: skip
    """The project's agent or its dept head, while the work runs."""
    own = actor_role == Role.agent and actor_id == agent_id
    head = actor_role == Role.dept_head and actor_department == department
    if not (own or head):
        raise Forbidden("only the project's agent or its dept head records its costs", "costs_by")
    if stage not in COST_STAGES:
        raise WrongStage(f"costs are recorded once the budget is approved, not in {stage.value}",
                         "costs_stage", stage=stage.value)
    if spent_on > today:
        raise Invalid("spent_on: in the future", "in_future")


def check_cost(state: ProjectState, cmd: CostCommand, today: date) -> None:
    """The `record_cost` update's guard (its validator and its transition)."""
    a = cmd.actor
    check_record(a.role, a.user_id, a.department, state.agent.user_id, state.department, state.stage, today,
                 cmd.body.spent_on)  # fmt: skip


def against(budget: Decimal | None, before: Decimal, amount: Decimal) -> Against:
    total = before + amount
    over = budget is not None and total > budget
    return Against(total=total, budget=budget, over_budget=over, newly_over=over and before <= (budget or 0))


def yuan(value: Decimal) -> str:
    """An amount as recorded in a reason or a notice: `8000.01`, `8000` (never `8E+3`)."""
    return format(value, "f")


def budget_reason(total: Decimal, budget: Decimal) -> str:
    return f"{OVER_BUDGET} {yuan(total)} > {yuan(budget)}"


def record_cost(state: ProjectState, cmd: CostCommand, ctx: Context) -> Outcome:
    """The cost as a step (its id from the step's number: the same in PostgreSQL as in the
    workflow); the running total in the state. Passing the budget raises the warning once."""
    check_cost(state, cmd, ctx.today)
    out, body = Outcome.begin(state, ctx), cmd.body
    s = out.state
    budget = s.assessment.budget if s.assessment else None
    after = against(budget, s.costs_total, body.amount)
    s.costs_total = after.total
    out.record(CostRecorded(cost_id=f"{s.project_id}-c{s.seq + 1}", amount=body.amount, spent_on=body.spent_on,
                            total=after.total, budget=budget, over_budget=after.newly_over),
               cmd.actor, body.description)  # fmt: skip
    if after.newly_over and budget is not None:
        warn_over_budget(out, after.total, budget)
    return out


def warn_over_budget(out: Outcome, total: Decimal, budget: Decimal) -> None:
    """进度异常预警 with the reason `over_budget`: a new warning, or a reason more for the active
    one, whose cause the dept head then owes (again); one notice, `notify.budget_exceeded`."""
    s, ctx = out.state, out.ctx
    reason, w = budget_reason(total, budget), s.warning
    analysis = w.analysis or Wait(sla="warning_analysis", role=Role.dept_head, department=s.department,
                                  since=ctx.now, due_at=due_in(ctx, "warning_analysis"))  # fmt: skip
    if w.active:
        w.reasons, w.cause, w.analysis, w.times_raised = [*w.reasons, reason], None, analysis, w.times_raised + 1
    else:
        s.warning = WarningState(active=True, reasons=[reason], raised_at=ctx.now, analysis=analysis,
                                 times_raised=w.times_raised + 1)  # fmt: skip
    out.record(kinds.WarningRaised(reasons=[reason]))
    out.notify("warning", "notify.budget_exceeded", Role.dept_head, None, total=yuan(total), budget=yuan(budget),
               reasons=[reason], due_at=analysis.due_at)  # fmt: skip


def budget_reasons(state: ProjectState) -> list[str]:
    """The `over_budget` reason an active warning keeps until its cause is analysed and the
    measures set are done: passing the budget happens once, so it is not "back in range" by
    itself (domain/progress.py). None for a project without costs past its budget."""
    w = state.warning
    if not w.active:
        return []
    open_measures = {t.id for t in state.rectification.tasks} & set(w.task_ids)
    if w.cause is not None and not open_measures:
        return []
    return [r for r in w.reasons if r.startswith(OVER_BUDGET + " ")]
