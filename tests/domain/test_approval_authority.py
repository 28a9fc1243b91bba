"""The project's approval authority as policy data (issue 15): the default is today's rule,
a policy may name other levels and conditions, and bad rules are refused with their path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import lifecycle
from domain.approval_authority import ApprovalAuthority, project_facts
from domain.errors import Forbidden
from domain.models import Decision, Gate, Level, Role, Stage
from domain.policy import ProjectPolicy
from tests.domain.lifecycle_data import BOSS, assessment, ctx, decision, plan, start

# Plan approval by the executive too for big real-estate projects; the executive joins
# initiation only above 2,000,000 yuan (not for high risk).
STRICT = ProjectPolicy.model_validate({"approval_authority": {
    "initiation": [{"level": "dept_head"}, {"level": "executive", "when": "budget > 2000000"}],
    "plan": [{"level": "dept_head"},
             {"level": "executive", "when": 'business_type == "real_estate" and budget >= 1000000'}],
}})  # fmt: skip


def facts(**over: object) -> dict[str, object]:
    base = project_facts(risk="low", difficulty="medium", budget=Decimal("100000"), expected_cycle_days=30,
                         business_type="real_estate", department="sales", channel="visit",
                         executive_budget_threshold=Decimal("500000"))  # fmt: skip
    return base | over


@pytest.mark.parametrize(("over", "levels"), [
    ({}, [Role.dept_head]),
    ({"risk": "high"}, [Role.dept_head, Role.executive]),
    ({"budget": Decimal("500000.01")}, [Role.dept_head, Role.executive]),
    ({"budget": Decimal("500000")}, [Role.dept_head]),
    ({"budget": Decimal("600000"), "executive_budget_threshold": Decimal("700000")}, [Role.dept_head]),
])  # fmt: skip
def test_the_default_is_todays_rule(over, levels):
    authority = ApprovalAuthority()
    assert authority.levels(Gate.initiation, facts(**over)) == levels
    assert authority.levels(Gate.plan, facts(risk="high", budget=Decimal("9000000"))) == [Role.dept_head]
    assert authority.levels(Gate.result_review, facts(risk="high")) == [Role.dept_head]


def state_at_plan_gate(policy: ProjectPolicy, budget: str, risk: Level = Level.low):
    c = ctx(policy=policy)
    s = lifecycle.intake(start(), c).state
    s = lifecycle.assess(s, assessment(risk, budget), c).state
    for level in s.approvals.initiation_levels:
        by = BOSS if level == Role.executive else None
        s = lifecycle.decide(s, decision(Gate.initiation, by=by) if by else decision(Gate.initiation), c).state
    return lifecycle.submit_plan(s, plan(date(2026, 12, 1), date(2026, 12, 15)), c).state, c


def test_a_policy_sets_who_approves_initiation_and_plan():
    s, c = state_at_plan_gate(STRICT, "1500000", Level.high)
    assert s.approvals.levels[Gate.plan] == [Role.dept_head, Role.executive]
    s = lifecycle.decide(s, decision(Gate.plan), c).state
    assert (s.stage, s.pending.gate, s.pending.role) == (Stage.plan_approval, Gate.plan, Role.executive)
    s = lifecycle.decide(s, decision(Gate.plan, by=BOSS), c).state
    assert s.stage == Stage.execution


def test_high_risk_alone_no_longer_calls_the_executive_under_the_strict_policy():
    s = lifecycle.assess(lifecycle.intake(start(), ctx(policy=STRICT)).state, assessment(Level.high, "1500000"),
                         ctx(policy=STRICT)).state  # fmt: skip
    assert s.approvals.initiation_levels == [Role.dept_head]


def test_a_small_project_needs_only_the_dept_head_for_its_plan():
    s, c = state_at_plan_gate(STRICT, "100000")
    with pytest.raises(Forbidden):
        lifecycle.decide(s, decision(Gate.plan, Decision.approve, by=BOSS), c)
    assert lifecycle.decide(s, decision(Gate.plan), c).state.stage == Stage.execution


def test_a_gate_whose_rules_all_fail_falls_back_to_the_dept_head():
    authority = ApprovalAuthority.model_validate({"result_review": [{"level": "executive", "when": "budget > 1"}]})
    assert authority.levels(Gate.result_review, facts(budget=Decimal("0"))) == [Role.dept_head]


@pytest.mark.parametrize(("body", "where", "message"), [
    ({"plan": [{"level": "agent"}]}, ("plan", 0, "level"), "cannot approve a gate"),
    ({"plan": [{"level": "dept_head", "when": "__import__('os')"}]}, ("plan", 0, "when"), "call is not allowed"),
    ({"initiation": [{"level": "dept_head", "when": "deal_size > 3"}]}, ("initiation", 0, "when"),
     'unknown name "deal_size"'),
    ({"result_review": [{"level": "dept_head"}, {"level": "dept_head"}]}, ("result_review",), "once"),
    ({"plan": []}, ("plan",), "at least 1"),
    ({"audit": [{"level": "dept_head"}]}, ("audit",), "Extra inputs"),
])  # fmt: skip
def test_bad_rules_are_refused_with_their_path(body, where, message):
    with pytest.raises(ValidationError) as err:
        ProjectPolicy.model_validate({"approval_authority": body})
    first = err.value.errors()[0]
    assert first["loc"] == ("approval_authority", *where) and message in first["msg"]
