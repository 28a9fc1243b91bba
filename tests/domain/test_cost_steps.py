"""A cost 成本 as a step of the project's workflow (domain/costs.py `record_cost`, issue 14): the
running total in the state, the warning and its notice the first time it passes the budget
(100,000 yuan in tests/domain/lifecycle_data.py), kept until its cause is analysed and the
measures are done. Literal amounts and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import lifecycle, rectification
from domain.commands import MeasureIn, WarningAnalysisCommand, WarningAnalysisIn
from domain.costs import CostCommand, CostIn, record_cost
from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Actor, CauseCategory, Role
from domain.progress import check_warning_state
from domain.project import ProjectState
from domain.steps import Outcome
from jindu.wording import reason
from tests.domain.lifecycle_data import AGENT, HEAD, MONDAY, OTHER_HEAD, at, complete, ctx, kinds, start, to_execution

SPENT = date(2026, 11, 20)


def cost(amount: str, by: Actor = AGENT, spent_on: date = SPENT) -> CostCommand:
    return CostCommand(actor=by, body=CostIn(amount=Decimal(amount), description="评估费", spent_on=spent_on))


def analysis() -> WarningAnalysisCommand:
    body = WarningAnalysisIn(cause=CauseCategory.resources, analysis="拍卖费高于预期",
                             measures=[MeasureIn(description="重新议价", owner="Wang Fang", deadline_working_days=2)])
    return WarningAnalysisCommand(actor=HEAD, body=body, owners={"Wang Fang": AGENT})


def test_each_cost_is_a_step_with_the_running_total_and_an_id_from_its_number():
    s = to_execution()
    out = record_cost(s, cost("60000"), ctx())
    [step] = out.steps
    assert (step.kind, step.seq, step.comment, step.actor) == ("cost_recorded", s.seq + 1, "评估费", AGENT)
    assert step.data == {"cost_id": f"flat-001-c{s.seq + 1}", "amount": "60000", "spent_on": "2026-11-20",
                         "total": "60000", "budget": "100000", "over_budget": False}  # fmt: skip
    out = record_cost(out.state, cost("40000", by=HEAD), ctx())
    assert out.state.costs_total == Decimal("100000") and kinds(out) == ["cost_recorded"]  # at the budget: no warning
    assert not out.state.warning.active and out.notices == []


def test_the_first_cost_past_the_budget_raises_the_warning_and_tells_the_dept_head_once():
    s = record_cost(to_execution(), cost("99999.99"), ctx()).state
    out = record_cost(s, cost("0.02"), ctx())
    assert kinds(out) == ["cost_recorded", "warning_raised"] and out.steps[0].data["over_budget"] is True
    w = out.state.warning
    assert w.active and w.reasons == ["over_budget 100000.01 > 100000"] and w.times_raised == 1
    assert w.analysis is not None and (w.analysis.role, w.analysis.sla) == (Role.dept_head, "warning_analysis")
    [notice] = out.notices
    assert (notice.key, notice.kind, notice.to_role, notice.department) == (
        "notify.budget_exceeded", "warning", Role.dept_head, "sales")
    assert (notice.params["total"], notice.params["budget"], notice.params["due_at"]) == (
        "100000.01", "100000", w.analysis.due_at)
    again = record_cost(out.state, cost("500"), ctx())
    assert kinds(again) == ["cost_recorded"] and again.notices == []
    assert again.state.costs_total == Decimal("100500.01") and again.state.warning == w


def checked(s: ProjectState) -> ProjectState:
    """The KPI check every update and clock tick of a running project makes."""
    out = Outcome.begin(s, ctx(at(2026, 11, 24)))
    check_warning_state(out)
    return out.state


def test_the_over_budget_warning_lasts_until_analysed_and_its_measures_are_done():
    s = record_cost(to_execution(), cost("120000"), ctx()).state
    s = checked(s)  # the KPIs are in range: the reason stays
    assert s.warning.active and s.warning.reasons == ["over_budget 120000 > 100000"]
    s = checked(rectification.analyse_warning(s, analysis(), ctx()).state)
    [task] = s.rectification.tasks
    assert s.warning.active and s.warning.cause == CauseCategory.resources  # its measure is open
    out = rectification.complete_task(s, complete(task.id), ctx())
    assert "warning_cleared" in kinds(out) and not out.state.warning.active
    assert kinds(record_cost(out.state, cost("1"), ctx())) == ["cost_recorded"]  # passed once, warned once


def test_an_active_warning_takes_the_budget_reason_and_its_cause_is_owed_again():
    s = record_cost(to_execution(), cost("120000"), ctx()).state
    s = rectification.analyse_warning(s, analysis(), ctx()).state
    kpi = s.model_copy(update={"warning": s.warning.model_copy(update={"reasons": ["completion_rate 50.0 < 80.0"]})})
    out = record_cost(kpi.model_copy(update={"costs_total": Decimal(0)}), cost("100001"), ctx())
    w = out.state.warning
    assert w.reasons == ["completion_rate 50.0 < 80.0", "over_budget 100001 > 100000"]
    assert w.cause is None and w.analysis is not None and w.times_raised == 2


def test_only_the_agent_or_the_dept_head_while_the_work_runs_and_not_in_the_future():
    s = to_execution()
    with pytest.raises(Forbidden):
        record_cost(s, cost("1", by=OTHER_HEAD), ctx())
    with pytest.raises(Invalid):
        record_cost(s, cost("1", spent_on=date(2026, 11, 24)), ctx(MONDAY))
    fresh = lifecycle.intake(start(), ctx()).state
    with pytest.raises(WrongStage):
        record_cost(fresh, cost("1"), ctx())


def test_a_state_without_the_total_loads_with_none_spent():
    carried = to_execution().model_dump(mode="json")
    del carried["costs_total"]
    assert ProjectState.model_validate(carried).costs_total == Decimal(0)


@pytest.mark.parametrize(("lang", "text"), [("zh", "成本合计 100000.01 元超出预算 100000 元"),
                                            ("en", "costs of 100000.01 yuan are past the budget of 100000 yuan")])
def test_the_reason_reads_in_words_to_the_fen(lang, text):
    assert reason("over_budget 100000.01 > 100000", lang) == text
