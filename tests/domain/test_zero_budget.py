"""A budget of 0 is refused unless the policy allows it (domain/commands.py check_budget)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.commands import AssessmentIn, check_budget
from domain.errors import Invalid
from domain.policy import ProjectPolicy

IN_SCOPE = {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 30}


@pytest.mark.parametrize("budget", ["0", "0.00", 0])
def test_a_zero_budget_is_refused_by_default(budget):
    assert ProjectPolicy().allow_zero_budget is False
    with pytest.raises(Invalid, match="budget must be above 0"):
        check_budget(AssessmentIn(**IN_SCOPE, budget=budget), ProjectPolicy().allow_zero_budget)


def test_the_policy_may_allow_it():
    policy = ProjectPolicy.model_validate({"allow_zero_budget": True})
    check_budget(AssessmentIn(**IN_SCOPE, budget="0"), policy.allow_zero_budget)


def test_other_budgets_and_declines_are_untouched():
    check_budget(AssessmentIn(**IN_SCOPE, budget=Decimal("0.01")), False)
    check_budget(AssessmentIn(**IN_SCOPE, budget="500000"), False)
    check_budget(AssessmentIn(in_scope=False, budget="0"), False)  # out of scope: the budget means nothing
    check_budget(AssessmentIn(in_scope=False), False)
