"""The project's approval authority 审批权限 as policy data (issue 15, 004: "approval
authority is set per process").

Each gate lists its approvers in order, each a level (dept_head or executive) and, when it
only sometimes joins, a condition in the process templates' language
(domain/process_conditions.py) on the project's facts:

    {"initiation": [{"level": "dept_head"},
                    {"level": "executive", "when": "risk == \"high\" or budget > executive_budget_threshold"}],
     "plan": [{"level": "dept_head"}], "result_review": [{"level": "dept_head"}]}

The default is today's rule. It travels in the policy (the workflow input), so a running
project keeps the authority it started with; a gate's levels are fixed when it opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain import process_conditions
from domain.models import Gate, Role

# The names a gate's condition may read (facts of the project when the gate opens).
FACTS = ("risk", "difficulty", "budget", "expected_cycle_days", "business_type", "department", "channel",
         "executive_budget_threshold")  # fmt: skip
APPROVING = (Role.dept_head, Role.executive)
EXECUTIVE_WHEN = 'risk == "high" or budget > executive_budget_threshold'


class GateApprover(BaseModel):
    """One approver of a gate: a level, joining only when `when` holds (always without it)."""

    model_config = ConfigDict(extra="forbid")

    level: Role = Field(description="dept_head (the project's department) or executive")
    when: str | None = Field(default=None, max_length=process_conditions.MAX_CHARS,
                             description="A condition on risk, difficulty, budget, expected_cycle_days, "
                                         "business_type, department, channel, executive_budget_threshold")  # fmt: skip

    @field_validator("level")
    @classmethod
    def _approves(cls, level: Role) -> Role:
        if level not in APPROVING:
            raise ValueError(f'level "{level.value}" cannot approve a gate (dept_head or executive)')
        return level

    @field_validator("when")
    @classmethod
    def _in_the_language(cls, when: str | None) -> str | None:
        if when is not None:
            process_conditions.check(when, FACTS)
        return when


def default_initiation() -> list[GateApprover]:
    return [GateApprover(level=Role.dept_head), GateApprover(level=Role.executive, when=EXECUTIVE_WHEN)]


def dept_head_only() -> list[GateApprover]:
    return [GateApprover(level=Role.dept_head)]


class ApprovalAuthority(BaseModel):
    """Who approves each gate, in order (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid")

    initiation: list[GateApprover] = Field(default_factory=default_initiation, min_length=1, max_length=2)
    plan: list[GateApprover] = Field(default_factory=dept_head_only, min_length=1, max_length=2)
    result_review: list[GateApprover] = Field(default_factory=dept_head_only, min_length=1, max_length=2)

    @field_validator("initiation", "plan", "result_review")
    @classmethod
    def _each_level_once(cls, approvers: list[GateApprover]) -> list[GateApprover]:
        levels = [a.level for a in approvers]
        if len(set(levels)) != len(levels):
            raise ValueError("a level approves a gate once")
        return approvers

    def rules(self, gate: Gate) -> list[GateApprover]:
        return {Gate.initiation: self.initiation, Gate.plan: self.plan, Gate.result_review: self.result_review}[gate]

    def levels(self, gate: Gate, facts: Mapping[str, Any]) -> list[Role]:
        """The levels that approve `gate` for these facts, in order; the dept_head when none
        of the rules applies (a gate is never left without an approver)."""
        chosen = [a.level for a in self.rules(gate) if a.when is None or process_conditions.evaluate(a.when, facts)]
        return chosen or [Role.dept_head]


def project_facts(*, risk: str | None, difficulty: str | None, budget: Decimal | None,
                  expected_cycle_days: int | None, business_type: str, department: str, channel: str,
                  executive_budget_threshold: Decimal) -> dict[str, Any]:  # fmt: skip
    """The names a gate's condition reads; an unknown fact (no assessment yet) is None."""
    return {"risk": risk, "difficulty": difficulty, "budget": budget, "expected_cycle_days": expected_cycle_days,
            "business_type": business_type, "department": department, "channel": channel,
            "executive_budget_threshold": executive_budget_threshold}  # fmt: skip
