"""Progress metrics, warnings and appraisal aggregates (RULES §Progress metrics, §Performance appraisal)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.kpi import (
    completion_rate,
    cycle_deviation_rate,
    forecast_cycle_days,
    project_kpis,
    satisfaction_score,
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
