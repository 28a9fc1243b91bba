"""Approval authority 审批权限 and the escalation ladder (RULES lifecycle 3, §Deadlines, 004).

The one place that says who approves a gate and in which order: the dept_head approves
every gate; initiation needs the executive too when the risk is high or the budget is over
the policy's threshold (Jindu's default reading of 004's approval authority table).
"""

from __future__ import annotations

from decimal import Decimal

from domain.models import Decision, Gate, Level, Role
from domain.project import ProjectState

# Who is chased when a wait is late: a silent customer by the agent first.
LADDER = (Role.customer, Role.agent, Role.dept_head, Role.executive)


def initiation_levels(risk_level: Level, budget: Decimal, executive_budget_threshold: Decimal) -> list[Role]:
    levels = [Role.dept_head]
    if risk_level == Level.high or budget > executive_budget_threshold:
        levels.append(Role.executive)
    return levels


def gate_levels(state: ProjectState, gate: Gate) -> list[Role]:
    """The approvers of `gate`, in order."""
    if gate == Gate.initiation:
        return list(state.approvals.initiation_levels) or [Role.dept_head]
    return [Role.dept_head]


def next_level(state: ProjectState, gate: Gate) -> Role | None:
    """The first level of this round that has not approved yet; None once all have."""
    approved = {a.level for a in state.approvals.this_round(gate) if a.decision == Decision.approve}
    return next((level for level in gate_levels(state, gate) if level not in approved), None)


def escalation_target(assignee_role: Role, levels_up: int) -> Role:
    """The role `levels_up` above the assignee on customer → agent → dept_head → executive;
    roles off the ladder (operations) escalate as a dept_head would."""
    start = LADDER.index(assignee_role) if assignee_role in LADDER else LADDER.index(Role.dept_head)
    return LADDER[min(start + levels_up, len(LADDER) - 1)]
