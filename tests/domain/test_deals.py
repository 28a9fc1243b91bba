"""Deals and commission split (domain/deals.py), with literal figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.deals import DealIn, check_confirm, check_record, parts
from domain.errors import AlreadyDecided, Forbidden, Invalid, WrongStage
from domain.models import Role, Stage

TODAY = date(2026, 11, 24)


def deal(**over) -> DealIn:
    return DealIn.model_validate({"deal_date": "2026-11-20", "value": "1000000", "commission": "20000",
                                  "split": [{"agent": "li", "share": 60}, {"agent": "wang", "share": 40}], **over})


def test_a_split_sums_to_a_hundred_without_repeats():
    assert deal().commission == Decimal("20000")
    with pytest.raises(ValidationError, match="sum to 100"):
        deal(split=[{"agent": "li", "share": 60}, {"agent": "wang", "share": 30}])
    with pytest.raises(ValidationError, match="twice"):
        deal(split=[{"agent": "li", "share": 50}, {"agent": "li", "share": 50}])
    with pytest.raises(ValidationError, match="commission"):
        deal(commission="2000000")
    with pytest.raises(ValidationError):
        deal(value="0")


def test_parts_are_shares_in_fen_that_add_up_exactly():
    got = parts(Decimal("1000000.00"), Decimal("20000.00"), [("u-li", Decimal(60)), ("u-wang", Decimal(40))])
    assert [(p.value, p.commission) for p in got] == [(Decimal("600000.00"), Decimal("12000.00")),
                                                      (Decimal("400000.00"), Decimal("8000.00"))]
    thirds = parts(Decimal("100.00"), Decimal("10.00"), [("a", Decimal("33.34")), ("b", Decimal("33.33")),
                                                         ("c", Decimal("33.33"))])  # fmt: skip
    assert [p.value for p in thirds] == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(p.commission for p in thirds) == Decimal("10.00")
    assert [p.commission for p in thirds] == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]


def test_only_the_projects_agent_records_from_execution_on():
    check_record("u-li", Role.agent, "u-li", Stage.execution, TODAY, date(2026, 11, 24))
    check_record("u-li", Role.agent, "u-li", Stage.completed, TODAY, date(2026, 11, 1))
    with pytest.raises(Forbidden):
        check_record("u-wang", Role.agent, "u-li", Stage.execution, TODAY, TODAY)
    with pytest.raises(Forbidden):
        check_record("u-head", Role.dept_head, "u-li", Stage.execution, TODAY, TODAY)
    for stage in (Stage.assessment, Stage.plan_approval, Stage.declined, Stage.cancelled):
        with pytest.raises(WrongStage):
            check_record("u-li", Role.agent, "u-li", stage, TODAY, TODAY)
    with pytest.raises(Invalid):
        check_record("u-li", Role.agent, "u-li", Stage.execution, TODAY, date(2026, 11, 25))


def test_the_projects_dept_head_confirms_once():
    check_confirm(Role.dept_head, "sales", "sales", confirmed=False)
    with pytest.raises(Forbidden):
        check_confirm(Role.dept_head, "rentals", "sales", confirmed=False)
    with pytest.raises(Forbidden):
        check_confirm(Role.agent, "sales", "sales", confirmed=False)
    with pytest.raises(AlreadyDecided):
        check_confirm(Role.dept_head, "sales", "sales", confirmed=True)
