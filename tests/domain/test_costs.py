"""Costs against the budget (domain/costs.py, issue 14), with literal amounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.costs import against, check_record
from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Role, Stage

TODAY = date(2026, 10, 12)


def test_the_dept_head_is_warned_once_when_the_total_passes_the_budget():
    assert against(Decimal("8000"), Decimal("0"), Decimal("5000")).over_budget is False
    at_budget = against(Decimal("8000"), Decimal("5000"), Decimal("3000"))
    assert (at_budget.total, at_budget.over_budget) == (Decimal("8000"), False)
    past = against(Decimal("8000"), Decimal("8000"), Decimal("0.01"))
    assert (past.total, past.over_budget, past.newly_over) == (Decimal("8000.01"), True, True)
    again = against(Decimal("8000"), Decimal("8000.01"), Decimal("100"))
    assert (again.over_budget, again.newly_over) == (True, False)
    assert against(None, Decimal("0"), Decimal("10")).over_budget is False


def test_the_agent_or_dept_head_record_costs_while_the_work_runs():
    check_record(Role.agent, "u1", "sales", "u1", "sales", Stage.execution, TODAY, TODAY)
    check_record(Role.dept_head, "u2", "sales", "u1", "sales", Stage.planning, TODAY, TODAY)
    with pytest.raises(Forbidden):
        check_record(Role.agent, "u3", "sales", "u1", "sales", Stage.execution, TODAY, TODAY)
    with pytest.raises(Forbidden):
        check_record(Role.dept_head, "u4", "loans", "u1", "sales", Stage.execution, TODAY, TODAY)
    with pytest.raises(WrongStage):
        check_record(Role.agent, "u1", "sales", "u1", "sales", Stage.assessment, TODAY, TODAY)
    with pytest.raises(Invalid):
        check_record(Role.agent, "u1", "sales", "u1", "sales", Stage.execution, TODAY, date(2026, 10, 13))
