"""Progress metrics, warnings and appraisal aggregates (RULES §Progress metrics, §Performance appraisal)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.kpi import (
    KpiSummary,
    ProjectFacts,
    completion_rate,
    cycle_deviation_rate,
    forecast_cycle_days,
    period_bounds,
    period_key,
    project_kpis,
    satisfaction_score,
    summarize,
    warning_reasons,
)
from domain.policy import WarningThresholds
from domain.project import Kpis, Milestone

TODAY = date(2026, 11, 23)


def ms(name: str, due: date, done: date | None = None) -> Milestone:
    return Milestone(name=name, due_date=due, done_on=done)


MILESTONES = [
    ms("contract", date(2026, 11, 1), date(2026, 10, 30)),  # due, done
    ms("survey", date(2026, 11, 10)),  # due, open
    ms("valuation", date(2026, 11, 20), date(2026, 11, 22)),  # due, done late
    ms("report", date(2026, 12, 10), date(2026, 11, 15)),  # not due yet, done early: not counted
]


# --------------------------------------------------------------------------- completion rate


def test_completion_rate_counts_only_milestones_due_so_far():
    assert completion_rate(MILESTONES, TODAY) == 66.67  # 2 of 3 due


def test_completion_rate_milestone_due_today_is_due():
    assert completion_rate([ms("a", TODAY), ms("b", TODAY, TODAY)], TODAY) == 50.0


def test_completion_rate_none_before_anything_is_due():
    assert completion_rate([ms("a", date(2026, 12, 1))], TODAY) is None
    assert completion_rate([], TODAY) is None


def test_completion_rate_all_done_is_100():
    assert completion_rate([ms("a", date(2026, 11, 1), date(2026, 11, 1))], TODAY) == 100.0


# --------------------------------------------------------------------------- cycle


def test_forecast_uses_latest_open_due_date():
    milestones = [ms("a", date(2026, 11, 4), date(2026, 11, 5)), ms("b", date(2026, 12, 10))]
    assert forecast_cycle_days(date(2026, 11, 1), milestones, TODAY, None) == 39  # Nov 1 → Dec 10


def test_forecast_overdue_open_milestone_ends_no_earlier_than_today():
    milestones = [ms("a", date(2026, 11, 20))]
    assert forecast_cycle_days(date(2026, 11, 1), milestones, TODAY, None) == 22  # Nov 1 → Nov 23


def test_forecast_done_milestones_end_when_done():
    milestones = [ms("a", date(2026, 11, 20), date(2026, 11, 18))]
    assert forecast_cycle_days(date(2026, 11, 1), milestones, TODAY, None) == 22  # today is later


def test_forecast_actual_cycle_once_finished():
    milestones = [ms("b", date(2026, 12, 10))]
    assert forecast_cycle_days(date(2026, 11, 1), milestones, TODAY, date(2026, 11, 30)) == 29


def test_forecast_is_at_least_one_day():
    assert forecast_cycle_days(TODAY, [], TODAY, None) == 1
    assert forecast_cycle_days(TODAY, [], TODAY, TODAY) == 1


def test_cycle_deviation_rate():
    assert cycle_deviation_rate(39, 30) == 30.0
    assert cycle_deviation_rate(25, 30) == -16.67
    assert cycle_deviation_rate(30, 30) == 0.0
    assert cycle_deviation_rate(24, 20) == 20.0


def test_cycle_deviation_needs_an_expected_cycle():
    with pytest.raises(ValueError):
        cycle_deviation_rate(10, 0)


# --------------------------------------------------------------------------- satisfaction


def test_satisfaction_score_is_mean_rating_over_five():
    assert satisfaction_score([5, 4, 3]) == 80.0  # mean 4
    assert satisfaction_score([5, 4, 4]) == 86.67  # mean 4.333…
    assert satisfaction_score([1]) == 20.0
    assert satisfaction_score([5, 5]) == 100.0


def test_satisfaction_score_none_without_ratings():
    assert satisfaction_score([]) is None


# --------------------------------------------------------------------------- project KPIs


def test_project_kpis_running_project():
    kpis = project_kpis(
        started_on=date(2026, 11, 1),
        milestones=MILESTONES,
        today=TODAY,
        finished_on=None,
        expected_cycle_days=30,
        ratings=[],
    )
    # Ends: contract Oct 30 (done), survey Nov 23 (overdue, so today), valuation Nov 22,
    # report Nov 15 (done early) → Nov 23: 22 days against 30 expected = −26.67.
    assert kpis == Kpis(completion_rate=66.67, cycle_deviation_rate=-26.67, satisfaction_score=None)


def test_project_kpis_finished_project_is_frozen_at_finish():
    milestones = [ms("a", date(2026, 11, 10), date(2026, 11, 9)), ms("b", date(2026, 11, 20))]
    kpis = project_kpis(
        started_on=date(2026, 11, 1),
        milestones=milestones,
        today=date(2026, 12, 31),
        finished_on=date(2026, 11, 13),
        expected_cycle_days=10,
        ratings=[4, 5],
    )
    # Finished: both nodes count as due, "b" was never done → 50; cycle 12 days against 10.
    assert kpis == Kpis(completion_rate=50.0, cycle_deviation_rate=20.0, satisfaction_score=90.0)


def test_project_finished_before_its_milestone_dates_is_fully_complete():
    milestones = [ms("a", date(2026, 12, 4), date(2026, 11, 20)), ms("b", date(2026, 12, 30), date(2026, 11, 23))]
    kpis = project_kpis(started_on=date(2026, 11, 20), milestones=milestones, today=date(2026, 11, 23),
                        finished_on=date(2026, 11, 23), expected_cycle_days=45, ratings=[5])
    assert kpis == Kpis(completion_rate=100.0, cycle_deviation_rate=-93.33, satisfaction_score=100.0)


def test_project_kpis_without_expected_cycle_has_no_deviation():
    kpis = project_kpis(
        started_on=date(2026, 11, 1),
        milestones=[],
        today=TODAY,
        finished_on=None,
        expected_cycle_days=None,
        ratings=[3],
    )
    assert kpis == Kpis(completion_rate=None, cycle_deviation_rate=None, satisfaction_score=60.0)


# --------------------------------------------------------------------------- warnings

DEFAULT = WarningThresholds()


def test_all_three_reasons():
    kpis = Kpis(completion_rate=50.0, cycle_deviation_rate=25.0, satisfaction_score=60.0)
    assert warning_reasons(kpis, DEFAULT) == [
        "completion_rate 50.0 < 80.0",
        "cycle_deviation_rate 25.0 > 20.0",
        "satisfaction_score 60.0 < 80.0",
    ]


def test_exact_thresholds_do_not_warn():
    assert (
        warning_reasons(Kpis(completion_rate=80.0, cycle_deviation_rate=20.0, satisfaction_score=80.0), DEFAULT) == []
    )


def test_just_past_thresholds_warn():
    kpis = Kpis(completion_rate=79.99, cycle_deviation_rate=20.01, satisfaction_score=79.99)
    assert warning_reasons(kpis, DEFAULT) == [
        "completion_rate 79.99 < 80.0",
        "cycle_deviation_rate 20.01 > 20.0",
        "satisfaction_score 79.99 < 80.0",
    ]


def test_none_values_never_warn():
    assert warning_reasons(Kpis(), DEFAULT) == []
    assert warning_reasons(Kpis(cycle_deviation_rate=50.0), DEFAULT) == ["cycle_deviation_rate 50.0 > 20.0"]


def test_early_and_good_projects_do_not_warn():
    kpis = Kpis(completion_rate=100.0, cycle_deviation_rate=-40.0, satisfaction_score=100.0)
    assert warning_reasons(kpis, DEFAULT) == []


def test_thresholds_are_configurable():
    strict = WarningThresholds(min_completion_rate=95, max_cycle_deviation_rate=5, min_satisfaction_score=90)
    kpis = Kpis(completion_rate=90.0, cycle_deviation_rate=10.0, satisfaction_score=85.0)
    assert warning_reasons(kpis, DEFAULT) == []
    assert warning_reasons(kpis, strict) == [
        "completion_rate 90.0 < 95.0",
        "cycle_deviation_rate 10.0 > 5.0",
        "satisfaction_score 85.0 < 90.0",
    ]


# --------------------------------------------------------------------------- aggregates


def facts(pid: str, **kw) -> ProjectFacts:
    base = dict(project_id=pid, department="二手房", agent_id="u-li", agent_name="李明")
    return ProjectFacts(**(base | kw))


FACTS = [
    facts("p1", milestones_due=1, milestones_done_when_due=1, cycle_deviation_rate=10.0, ratings=[5, 4],
          reviewed=True, first_review_passed=True, reports_due=4, reports_on_time=3, warnings_raised=1),
    facts("p2", milestones_due=3, milestones_done_when_due=0, cycle_deviation_rate=None, ratings=[],
          reviewed=True, first_review_passed=False, reports_due=2, reports_on_time=1, warnings_raised=2),
    facts("p3", milestones_due=0, milestones_done_when_due=0, cycle_deviation_rate=30.0, ratings=[3],
          reviewed=False, first_review_passed=None, reports_due=2, reports_on_time=2, warnings_raised=0),
]


def test_summarize_pools_the_rates():
    assert summarize("二手房", FACTS) == KpiSummary(
        key="二手房",
        projects=3,
        completion_rate=25.0,  # 1 of 4 pooled (the mean of 100 and 0 would be 50)
        cycle_deviation_rate=20.0,  # mean of 10 and 30; p2 has none
        satisfaction_score=80.0,  # (5 + 4 + 3) / 3 = 4
        first_review_pass_rate=50.0,  # 1 of 2 reviewed; p3 not reviewed yet
        report_timeliness_rate=75.0,  # 6 of 8
        warnings_raised=3,
    )


def test_summarize_nothing_is_all_none():
    assert summarize("2026-Q4", []) == KpiSummary(
        key="2026-Q4",
        projects=0,
        completion_rate=None,
        cycle_deviation_rate=None,
        satisfaction_score=None,
        first_review_pass_rate=None,
        report_timeliness_rate=None,
        warnings_raised=0,
    )


def test_summarize_rounds_to_two_decimals():
    three = [
        facts("a", milestones_due=3, milestones_done_when_due=2, cycle_deviation_rate=10.0),
        facts("b", milestones_due=0, milestones_done_when_due=0, cycle_deviation_rate=10.0),
        facts("c", milestones_due=0, milestones_done_when_due=0, cycle_deviation_rate=0.01),
    ]
    summary = summarize("x", three)
    assert summary.completion_rate == 66.67
    assert summary.cycle_deviation_rate == 6.67  # 20.01 / 3 = 6.67


# --------------------------------------------------------------------------- periods


def test_period_key():
    assert period_key(date(2026, 11, 23), "month") == "2026-11"
    assert period_key(date(2026, 11, 23), "quarter") == "2026-Q4"
    assert period_key(date(2026, 11, 23), "year") == "2026"
    assert period_key(date(2026, 3, 31), "quarter") == "2026-Q1"
    assert period_key(date(2026, 4, 1), "quarter") == "2026-Q2"
    assert period_key(date(2026, 1, 5), "month") == "2026-01"


def test_period_key_rejects_unknown_period():
    with pytest.raises(ValueError):
        period_key(date(2026, 11, 23), "week")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "bounds"),
    [
        ("2026-11", (date(2026, 11, 1), date(2026, 12, 1))),
        ("2026-12", (date(2026, 12, 1), date(2027, 1, 1))),
        ("2026-01", (date(2026, 1, 1), date(2026, 2, 1))),
        ("2026-Q1", (date(2026, 1, 1), date(2026, 4, 1))),
        ("2026-Q3", (date(2026, 7, 1), date(2026, 10, 1))),
        ("2026-Q4", (date(2026, 10, 1), date(2027, 1, 1))),
        ("2026", (date(2026, 1, 1), date(2027, 1, 1))),
    ],
)
def test_period_bounds(key, bounds):
    assert period_bounds(key) == bounds


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
@pytest.mark.parametrize(
    "day", [date(2026, 1, 1), date(2026, 3, 31), date(2026, 6, 30), date(2026, 11, 23), date(2026, 12, 31)]
)
def test_period_key_and_bounds_are_inverse(day, period):
    start, end = period_bounds(period_key(day, period))
    assert start <= day < end
    assert period_key(start, period) == period_key(day, period)
    assert period_key(end, period) != period_key(day, period)


@pytest.mark.parametrize(
    "key",
    ["", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "2026-q4", "2026-1", "26", "2026-11-01", "２０２６", " 2026"],
)
def test_period_bounds_rejects_malformed(key):
    with pytest.raises(ValueError):
        period_bounds(key)
