"""What falls due with time (RULES §Deadlines and escalation, §Progress tracking, §warnings):
escalation chains, weekly reports, KPI watch and warnings — pure, with literal dates."""

from __future__ import annotations

from datetime import date

import pytest

from domain import clock, lifecycle, rectification
from domain.commands import MeasureIn, WarningAnalysisCommand, WarningAnalysisIn
from domain.errors import AlreadyDecided, Forbidden, WrongStage
from domain.models import CauseCategory, Gate, Role, Stage
from tests.domain.lifecycle_data import (
    AGENT,
    HEAD,
    MONDAY,
    assessment,
    at,
    complete,
    ctx,
    decision,
    kinds,
    report,
    start,
    to_execution,
)
from tests.domain.lifecycle_data import utc_due as due


def assessed_on(now):
    s = lifecycle.intake(start(created=now), ctx(now)).state
    return lifecycle.assess(s, assessment(), ctx(now)).state


def test_a_late_approval_is_reminded_then_escalated_one_then_two_levels_up():
    s = assessed_on(MONDAY)  # initiation approval due Thu 2026-11-26 18:00
    assert clock.next_due(s, ctx()) == due(2026, 11, 26)
    out = clock.tick(s, ctx(due(2026, 11, 26)))
    assert kinds(out) == ["reminder"] and out.notices[0].to_role == Role.dept_head
    s = out.state
    assert s.pending.overdue and clock.next_due(s, ctx(due(2026, 11, 26))) == due(2026, 11, 27)
    out = clock.tick(s, ctx(due(2026, 11, 27)))
    assert (out.steps[0].kind, out.steps[0].data["to_role"]) == ("escalation", "executive")
    s = out.state
    assert clock.next_due(s, ctx(due(2026, 11, 27))) == due(2026, 11, 30)  # over the weekend
    s = clock.tick(s, ctx(due(2026, 11, 30))).state
    assert s.pending.steps_done == 3 and clock.next_due(s, ctx(due(2026, 11, 30))) is None


def test_escalation_days_skip_national_day():
    s = assessed_on(at(2026, 9, 28))  # Monday: Tue 29 and Wed 30, then the holiday week
    assert s.pending.due_at == due(2026, 10, 8)
    s = clock.tick(s, ctx(due(2026, 10, 8))).state
    assert clock.next_due(s, ctx(due(2026, 10, 8))) == due(2026, 10, 9)
    s = clock.tick(s, ctx(due(2026, 10, 9))).state
    assert clock.next_due(s, ctx(due(2026, 10, 9))) == due(2026, 10, 10)  # the make-up Saturday works


def test_nothing_fires_before_it_is_due():
    s = assessed_on(MONDAY)
    out = clock.tick(s, ctx(at(2026, 11, 26, 17, 59)))
    assert out.steps == [] and out.state.pending.steps_done == 0


def test_one_missed_weekly_report_is_reminded_two_in_a_row_escalate():
    s = to_execution()  # reports due Fridays 18:00
    out = clock.tick(s, ctx(due(2026, 11, 27)))
    assert kinds(out)[0] == "weekly_report_missed" and "escalation" not in kinds(out)
    assert out.state.reporting.next_due_at == due(2026, 12, 4) and out.state.reporting.missed_in_row == 1
    out = clock.tick(out.state, ctx(due(2026, 12, 4)))
    assert kinds(out)[:2] == ["weekly_report_missed", "escalation"]
    assert [n.to_role for n in out.notices][:2] == [Role.agent, Role.dept_head]


def test_a_report_sent_during_the_week_owes_nothing_at_its_deadline():
    s = lifecycle.report(to_execution(), report(), ctx(at(2026, 11, 25))).state
    out = clock.tick(s, ctx(due(2026, 11, 27)))
    assert "weekly_report_missed" not in kinds(out)
    assert (out.state.reporting.due, out.state.reporting.missed_in_row) == (1, 0)


def test_kpis_are_watched_at_the_next_milestone_and_when_the_cycle_outgrows_its_allowance():
    s = to_execution(MONDAY, date(2026, 11, 30), date(2026, 12, 21))
    assert clock.kpi_watch_at(s, ctx()) == due(2026, 11, 30)
    # expected 30 days, 20% more allowed: a forecast of 37 days, ending 2026-12-30, deviates too far
    s.milestones[0].done_on = s.milestones[1].done_on = date(2026, 11, 24)
    assert clock.kpi_watch_at(s, ctx()) == due(2026, 12, 30)


def test_a_missed_milestone_raises_a_warning_that_waits_on_the_dept_heads_analysis():
    s = to_execution(MONDAY, date(2026, 11, 30), date(2026, 12, 21))
    out = clock.tick(s, ctx(due(2026, 11, 30)))
    assert "warning_raised" in kinds(out)
    w = out.state.warning
    assert w.active and w.reasons[0].startswith("completion_rate 0.0") and w.analysis.role == Role.dept_head
    assert w.analysis.due_at == due(2026, 12, 3)  # raised at the cut-off: counts from Tuesday
    assert clock.kpi_watch_at(out.state, ctx(due(2026, 11, 30))) == due(2026, 12, 1)  # daily while it lasts


def analysis(owner: str = "Wang Fang") -> WarningAnalysisCommand:
    body = WarningAnalysisIn(cause=CauseCategory.people, analysis="agent overloaded",
                             measures=[MeasureIn(description="hand viewings to Liu", owner=owner,
                                                 deadline_working_days=2)])  # fmt: skip
    return WarningAnalysisCommand(actor=HEAD, body=body, owners={"Wang Fang": AGENT})


def test_a_warning_clears_once_its_measures_are_done_and_the_kpis_are_back():
    s = clock.tick(to_execution(MONDAY, date(2026, 11, 30)), ctx(due(2026, 11, 30))).state
    from domain.commands import WarningAnalysisCommand as Cmd

    with pytest.raises(Forbidden):
        rectification.analyse_warning(s, Cmd(actor=AGENT, body=analysis().body, owners={}), ctx())
    now = at(2026, 12, 1)
    out = rectification.analyse_warning(s, analysis(), ctx(now))
    s = out.state
    [task] = s.rectification.tasks
    assert s.warning.cause == CauseCategory.people and s.warning.analysis is None
    assert task.due_at == due(2026, 12, 3) and s.warning.task_ids == [task.id]
    with pytest.raises(AlreadyDecided):
        rectification.analyse_warning(s, analysis(), ctx(now))
    s = lifecycle.report(s, report("m1"), ctx(now)).state
    assert s.warning.active  # KPIs back, but the measure is still open
    out = rectification.complete_task(s, complete(task.id), ctx(now))
    assert "warning_cleared" in kinds(out) and not out.state.warning.active


def test_no_warning_outside_the_working_stages():
    s = lifecycle.intake(start(), ctx()).state
    with pytest.raises(WrongStage):
        rectification.analyse_warning(s, analysis(), ctx())


def test_a_late_rectification_task_is_escalated_like_an_approval():
    s = lifecycle.submit_results(to_execution(), _results(), ctx()).state
    s = lifecycle.decide(s, decision(Gate.result_review, comment="fix it", decision=_reject()), ctx()).state
    [task] = s.rectification.tasks
    assert task.due_at == due(2026, 11, 30)  # 5 working days
    out = clock.tick(s, ctx(due(2026, 11, 30)))
    reminders = [(st.data["what"], st.data.get("task_id")) for st in out.steps if st.kind == "reminder"]
    assert reminders == [("rectification", None), ("task", task.id)]  # the resubmission and the task
    assert out.state.stage == Stage.rectification


def _results():
    from tests.domain.lifecycle_data import results

    return results()


def _reject():
    from domain.models import Decision

    return Decision.reject
