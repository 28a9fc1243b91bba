"""Approval authority 审批权限 and the escalation ladder (RULES lifecycle 3, §Deadlines, 004).

The one place that says who approves a gate and in which order. Who that is comes from the
policy's `approval_authority` (domain/approval_authority.py); its default is Jindu's reading
of 004's approval authority table: the dept_head approves every gate, and initiation needs
the executive too when the risk is high or the budget is over `executive_budget_threshold`.
A gate's levels are fixed when it opens (`fix_levels`).
"""

from __future__ import annotations

from domain.approval_authority import project_facts
from domain.models import Decision, Gate, Role
from domain.policy import ProjectPolicy
from domain.project import ProjectState

# Who is chased when a wait is late: a silent customer by the agent first.
LADDER = (Role.customer, Role.agent, Role.dept_head, Role.executive)


def fix_levels(state: ProjectState, gate: Gate, policy: ProjectPolicy) -> None:
    """Decide who approves `gate` by the policy's authority and the project's facts now."""
    a = state.assessment
    facts = project_facts(risk=a.risk_level.value if a else None, difficulty=a.difficulty.value if a else None,
                          budget=a.budget if a else None, expected_cycle_days=a.expected_cycle_days if a else None,
                          business_type=state.business_type, department=state.department,
                          channel=state.channel.value,
                          executive_budget_threshold=policy.executive_budget_threshold)  # fmt: skip
    levels = policy.approval_authority.levels(gate, facts)
    if gate == Gate.initiation:
        state.approvals.initiation_levels = levels
    else:
        state.approvals.levels[gate] = levels


def gate_levels(state: ProjectState, gate: Gate) -> list[Role]:
    """The approvers of `gate`, in order (a project whose gate opened before the levels were
    kept per gate: the dept_head)."""
    if gate == Gate.initiation:
        return list(state.approvals.initiation_levels) or [Role.dept_head]
    return list(state.approvals.levels.get(gate, ())) or [Role.dept_head]


def next_level(state: ProjectState, gate: Gate) -> Role | None:
    """The first level of this round that has not approved yet; None once all have."""
    approved = {a.level for a in state.approvals.this_round(gate) if a.decision == Decision.approve}
    return next((level for level in gate_levels(state, gate) if level not in approved), None)


def escalation_target(assignee_role: Role, levels_up: int) -> Role:
    """The role `levels_up` above the assignee on customer → agent → dept_head → executive;
    roles off the ladder (operations) escalate as a dept_head would."""
    start = LADDER.index(assignee_role) if assignee_role in LADDER else LADDER.index(Role.dept_head)
    return LADDER[min(start + levels_up, len(LADDER) - 1)]
