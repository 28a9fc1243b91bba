"""Approval authority 审批权限 (RULES lifecycle 3, 004).

Jindu's default policy: the dept_head approves initiation; the executive adds a second
level when the risk is high or the budget is over the configured threshold.
"""

from decimal import Decimal

from domain.models import Level, Role


def initiation_levels(risk_level: Level, budget: Decimal, executive_budget_threshold: Decimal) -> list[Role]:
    levels = [Role.dept_head]
    if risk_level == Level.high or budget > executive_budget_threshold:
        levels.append(Role.executive)
    return levels


def escalation_target(assignee_role: "Role", levels_up: int) -> Role:
    """The role `levels_up` above the assignee on agent → dept_head → executive.

    A customer who does not answer is chased by the agent first, so the customer's
    ladder starts below the agent.
    """
    ladder = [Role.customer, Role.agent, Role.dept_head, Role.executive]
    start = ladder.index(assignee_role) if assignee_role in ladder else ladder.index(Role.dept_head)
    return ladder[min(start + levels_up, len(ladder) - 1)]
