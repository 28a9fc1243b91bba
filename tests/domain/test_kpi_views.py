"""Appraisal aggregates and reporting periods of the KPI views (RULES §Performance appraisal)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.kpi import (
    KpiSummary,
    ProjectFacts,
    period_bounds,
    period_key,
    summarize,
)

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
