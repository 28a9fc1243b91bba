"""Costs 成本 against a project's budget (issue 14; 000 二(一)3, 002 二(二)2): the budget
approved at initiation is tracked against the costs recorded while the work runs, with a
warning to the dept head the first time their total passes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import Field

from domain.commands import Strict
from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Role, Stage
from domain.text import RequiredComment

# Once the budget is approved and until the project ends.
COST_STAGES = frozenset({Stage.planning, Stage.plan_approval, Stage.execution, Stage.result_review,
                         Stage.rectification, Stage.customer_acceptance, Stage.archiving})  # fmt: skip


class CostIn(Strict):
    """One cost 成本 of the project."""

    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="Yuan")
    description: RequiredComment = Field(description="What it was spent on")
    spent_on: date = Field(description="The day it was spent (not in the future)")


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


def against(budget: Decimal | None, before: Decimal, amount: Decimal) -> Against:
    total = before + amount
    over = budget is not None and total > budget
    return Against(total=total, budget=budget, over_budget=over, newly_over=over and before <= (budget or 0))
