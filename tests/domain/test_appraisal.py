"""Each scorecard figure, the weighted total and the rank, with hand-computed literal data
(RULES §Performance appraisal, docs/appraisal.md); and the service KPIs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.appraisal import (
    FIGURES,
    ScorecardRow,
    StaffFacts,
    complaints_on_time_rate,
    completion_rate,
    cycle_deviation,
    deviation_score,
    first_pass_rate,
    rank_within_departments,
    rate,
    report_timeliness_rate,
    risk_score,
    satisfaction_score,
    score_row,
    scorecard,
    total_score,
)
from domain.policy import AppraisalWeights
from domain.service_kpis import ServiceFacts, combine, service_kpis

W = AppraisalWeights()


def test_rates_are_percentages_with_two_decimals_and_none_when_nothing_was_due():
    assert rate(3, 4) == 75.0 and rate(2, 3) == 66.67 and rate(0, 5) == 0.0
    assert rate(0, 0) is None
    assert completion_rate(3, 5) == 60.0 and completion_rate(0, 0) is None
    assert first_pass_rate(1, 2) == 50.0 and first_pass_rate(0, 0) is None
    assert report_timeliness_rate(5, 7) == 71.43  # 5 on time of 5 + 2 missed
    assert complaints_on_time_rate(2, 3) == 66.67 and complaints_on_time_rate(0, 0) is None


def test_cycle_deviation_is_the_mean_rate_and_its_score_the_mean_of_capped_overruns():
    assert cycle_deviation([10.0, -20.0, 50.0]) == 13.33  # 40 / 3
    assert cycle_deviation([]) is None
    # 100 − 10 = 90, early → 100, 100 − 50 = 50: mean 80 (an early project does not hide a late one)
    assert deviation_score([10.0, -20.0, 50.0]) == 80.0
    assert deviation_score([150.0]) == 0.0  # two and a half times the expected cycle: floored
    assert deviation_score([0.0, -5.0]) == 100.0
    assert deviation_score([33.333]) == 66.67
    assert deviation_score([]) is None


def test_satisfaction_is_mean_rating_over_five_times_100():
    assert satisfaction_score(4 + 2 + 5, 3) == 73.33  # 11 / 3 / 5 × 100
    assert satisfaction_score(5, 1) == 100.0 and satisfaction_score(1, 1) == 20.0
    assert satisfaction_score(0, 0) is None


def test_risk_score_deducts_points_per_event_and_per_10k_yuan():
    assert risk_score(0, Decimal(0), W) == 100.0
    assert risk_score(2, Decimal("35000"), W) == 56.5  # 100 − 2 × 20 − 3.5 × 1
    assert risk_score(6, Decimal(0), W) == 0.0  # 120 points off: floored at 0
    custom = AppraisalWeights(risk_points_per_event=10, risk_points_per_10k_yuan=2)
    assert risk_score(1, Decimal("150000.00"), custom) == 60.0  # 100 − 10 − 15 × 2


def test_total_is_the_weighted_mean_of_the_scores_that_exist():
    scores = {"completion": 80.0, "deviation": 90.0, "satisfaction": None, "first_pass": 100.0,
              "report_timeliness": 50.0, "complaints_on_time": None, "risk": 100.0}
    # weights 20, 15, 10, 10, 10 (satisfaction's 25 and complaints' 10 left out):
    # (1600 + 1350 + 1000 + 500 + 1000) / 65 = 83.846…
    assert total_score(scores, W) == 83.85
    assert total_score(dict.fromkeys(scores), W) is None
    only_unweighted = AppraisalWeights(completion=0)
    assert total_score({"completion": 80.0}, only_unweighted) is None
    assert total_score({"completion": 80.0, "risk": 40.0}, AppraisalWeights(completion=3, risk=1)) == 70.0


def test_every_weight_names_a_score_of_the_row():
    assert set(FIGURES) == {name for name in AppraisalWeights.model_fields
                            if not name.startswith("risk_points") and name != "deal_targets"}  # fmt: skip
    assert set(FIGURES.values()) <= set(ScorecardRow.model_fields)


def facts(name: str, department: str = "sales", **counts) -> StaffFacts:
    return StaffFacts(department=department, user_id=f"u-{name}", name=name, **counts)


def test_a_row_from_one_members_facts():
    f = facts("wang", milestones_due=5, milestones_done=4, projects_completed=2, deviations=[10.0, 30.0],
              ratings=4, rating_sum=18, reviews=2, reviews_passed_first=1, reports_due=8, reports_on_time=6,
              complaints_received=3, complaints_due=2, complaints_on_time=1, risk_events=1,
              risk_loss=Decimal("50000.00"))
    row = score_row(f, W)
    # completion 4/5 = 80; deviation mean 20, score mean(90, 70) = 80; satisfaction 18/4/5 = 90;
    # first pass 50; reports 6/8 = 75; complaints 1/2 = 50; risk 100 − 20 − 5 = 75.
    # total = (20·80 + 15·80 + 25·90 + 10·50 + 10·75 + 10·50 + 10·75) / 100 = 7550 / 100
    assert row.model_dump() == {
        "department": "sales", "user_id": "u-wang", "name": "wang",
        "milestones_due": 5, "milestones_done": 4, "completion_rate": 80.0,
        "projects_completed": 2, "cycle_deviation_rate": 20.0, "deviation_score": 80.0,
        "ratings": 4, "satisfaction_score": 90.0,
        "reviews": 2, "first_review_pass_rate": 50.0,
        "reports_due": 8, "reports_on_time": 6, "report_timeliness_rate": 75.0,
        "complaints_received": 3, "complaints_due": 2, "complaints_on_time": 1, "complaints_on_time_rate": 50.0,
        "risk_events": 1, "risk_loss": Decimal("50000.00"), "risk_score": 75.0,
        "deals": 0, "deal_value": Decimal(0), "commission": Decimal(0), "deals_score": None,
        "deal_value_score": None, "commission_score": None,
        "follow_ups": 0, "follow_ups_on_time": 0, "follow_up_on_time_rate": None, "lost_to_pool": 0,
        "total_score": 75.5, "rank": None,
    }


def test_a_member_with_nothing_to_appraise_gets_no_risk_score_and_no_total():
    row = score_row(facts("idle"), W)
    assert row.risk_score is None and row.total_score is None and row.completion_rate is None
    # Only reports in the period: report timeliness and the risk score (no events) make the total.
    row = score_row(facts("writer", reports_due=4, reports_on_time=3), W)
    assert (row.report_timeliness_rate, row.risk_score, row.total_score) == (75.0, 100.0, 87.5)


def test_ranks_are_per_department_with_ties_sharing_and_unscored_last():
    def row(name: str, department: str, total: float | None) -> ScorecardRow:
        base = score_row(facts(name, department), W)
        return base.model_copy(update={"total_score": total})

    ranked = rank_within_departments([
        row("a", "sales", 90.0), row("b", "sales", 80.0), row("c", "sales", 90.0), row("d", "sales", None),
        row("e", "sales", 70.0), row("f", "rent", 60.0), row("g", "rent", 75.5),
    ])  # fmt: skip
    assert [(r.department, r.name, r.rank) for r in ranked] == [
        ("rent", "g", 1), ("rent", "f", 2),
        ("sales", "a", 1), ("sales", "c", 1), ("sales", "b", 3), ("sales", "e", 4), ("sales", "d", None),
    ]


def test_scorecard_scores_and_ranks():
    rows = scorecard([facts("li", milestones_due=2, milestones_done=1),
                      facts("wu", milestones_due=2, milestones_done=2), facts("new")], W)
    # li: completion 50, risk 100 → (20·50 + 10·100) / 30 = 66.67; wu: 100 → 100
    assert [(r.name, r.total_score, r.rank) for r in rows] == [("wu", 100.0, 1), ("li", 66.67, 2), ("new", None, None)]


@pytest.mark.parametrize("weights, expected", [(AppraisalWeights(), 66.67), (AppraisalWeights(risk=0), 50.0)])
def test_weights_come_from_the_policy(weights, expected):
    [row] = scorecard([facts("li", milestones_due=2, milestones_done=1)], weights)
    assert row.total_score == expected


# --------------------------------------------------------------------------- service KPIs


def test_service_kpis_from_counts():
    f = ServiceFacts(department="sales", complaints_received=10, complaints_answered=8, complaints_resolved=6,
                     first_replies_due=9, first_replies_on_time=6, resolutions_due=8, resolutions_on_time=7,
                     confirmations=5, confirmation_rating_sum=19, confirmations_satisfied=4,
                     suggestions=6, suggestions_decided=4, suggestions_adopted=1)  # fmt: skip
    k = service_kpis(f)
    assert (k.resolution_rate, k.first_reply_on_time_rate, k.resolution_on_time_rate) == (75.0, 66.67, 87.5)
    assert (k.satisfaction_after_resolution, k.satisfied_rate, k.suggestion_adoption_rate) == (76.0, 80.0, 25.0)
    assert k.complaints_received == 10 and k.department == "sales"
    empty = service_kpis(ServiceFacts())
    assert empty.resolution_rate is None and empty.suggestion_adoption_rate is None
    assert empty.satisfaction_after_resolution is None


def test_service_counts_add_up_across_departments():
    a = ServiceFacts(department="a", complaints_received=2, complaints_answered=2, complaints_resolved=1)
    b = ServiceFacts(department=None, complaints_received=1, complaints_answered=1, complaints_resolved=1,
                     suggestions=3, suggestions_decided=2, suggestions_adopted=2)
    total = service_kpis(combine(None, [a, b]))
    assert (total.complaints_received, total.complaints_answered, total.complaints_resolved) == (3, 3, 2)
    assert total.resolution_rate == 66.67 and total.suggestion_adoption_rate == 100.0
