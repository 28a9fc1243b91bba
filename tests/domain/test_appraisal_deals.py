"""Deals, follow-up timeliness and money in the scorecard, hand-computed with literal data
(issue 14; docs/appraisal.md §Deals and follow-ups, §Revenue against expected)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.appraisal import StaffFacts, score_row, scorecard
from domain.appraisal_deals import DealPars, DealTargets, deal_pars, deal_score
from domain.appraisal_money import MoneySum, ProjectMoney, money_report, money_report_of
from domain.policy import AppraisalWeights

W = AppraisalWeights()


def facts(name: str, department: str = "sales", **counts) -> StaffFacts:
    return StaffFacts(department=department, user_id=f"u-{name}", name=name, **counts)


def test_a_deal_figure_is_scored_against_its_par_and_capped_at_100():
    assert deal_score(1, 2.0) == 50.0 and deal_score(3, 2.0) == 100.0 and deal_score(0, 2.0) == 0.0
    assert deal_score(1, 3.0) == 33.33
    assert deal_score(5, None) is None and deal_score(5, 0.0) is None


def test_without_targets_the_par_is_the_departments_average_per_member():
    members = [facts("li", deals=3, deal_value=Decimal("900000"), commission=Decimal("18000")),
               facts("wu", deals=1, deal_value=Decimal("300000"), commission=Decimal("6000")),
               facts("new"), facts("zhao", "rent")]  # fmt: skip
    pars = deal_pars(members, None, months=1)
    # sales: 4 deals / 3 members, 1,200,000 / 3 = 400,000, 24,000 / 3 = 8,000; rent: no deal → no par
    assert pars["sales"] == DealPars(deals=4 / 3, value=400000.0, commission=8000.0)
    assert pars["rent"] == DealPars()


def test_targets_from_the_policy_are_per_month_and_apply_even_without_deals():
    targets = DealTargets(deals=2, value=Decimal("500000"), commission=Decimal("10000"))
    pars = deal_pars([facts("zhao", "rent")], targets, months=3)  # a quarter
    assert pars["rent"] == DealPars(deals=6.0, value=1500000.0, commission=30000.0)
    only_value = DealTargets(value=Decimal("100"))  # no count target, and no deal: no count par
    assert deal_pars([facts("zhao")], only_value, months=1)["sales"] == DealPars(value=100.0)


def test_deals_and_follow_ups_are_weighted_into_the_total():
    li = facts("li", reports_due=4, reports_on_time=3, deals=1, deal_value=Decimal("300000"),
               commission=Decimal("6000"), follow_ups=8, follow_ups_on_time=6, lost_to_pool=1)  # fmt: skip
    row = score_row(li, W, DealPars(deals=2.0, value=400000.0, commission=8000.0))
    # reports 75, risk 100, deals 1/2 = 50, value 300k/400k = 75, commission 6k/8k = 75, follow-ups 6/8 = 75
    # total = (10·75 + 10·100 + 10·50 + 10·75 + 10·75 + 10·75) / 60 = 4500 / 60 = 75
    assert (row.deals_score, row.deal_value_score, row.commission_score, row.follow_up_on_time_rate) == (
        50.0, 75.0, 75.0, 75.0)
    assert (row.deals, row.deal_value, row.commission, row.follow_ups, row.lost_to_pool) == (
        1, Decimal("300000"), Decimal("6000"), 8, 1)
    assert row.total_score == 75.0
    # the same without a par: the deal figures are left out, (750 + 1000 + 750) / 30 = 83.33
    assert score_row(li, W).total_score == 83.33
    assert score_row(li, AppraisalWeights(deals=0, deal_value=0, commission=0, follow_up_timeliness=0),
                     DealPars(deals=2.0)).total_score == 87.5  # fmt: skip


def test_in_a_scorecard_a_colleague_without_deals_scores_0_and_an_idle_one_nothing():
    rows = {r.name: r for r in scorecard([
        facts("li", deals=2, deal_value=Decimal("600000"), commission=Decimal("12000")),
        facts("wu", reports_due=2, reports_on_time=2),
        facts("idle"),
    ], W)}  # fmt: skip
    # par: 2 deals / 3 = 0.667 → li 100; value 200,000 → li 100; commission 4,000 → li 100
    assert (rows["li"].deals_score, rows["li"].deal_value_score, rows["li"].total_score) == (100.0, 100.0, 100.0)
    # wu: reports 100, risk 100, three deal figures 0 → (1000 + 1000) / 50 = 40
    assert (rows["wu"].deals_score, rows["wu"].total_score, rows["wu"].rank) == (0.0, 40.0, 2)
    assert (rows["idle"].deals_score, rows["idle"].total_score, rows["idle"].rank) == (None, None, None)


def test_a_quarter_scores_against_three_months_of_target():
    weights = AppraisalWeights(deal_targets=DealTargets(deals=2))
    [row] = scorecard([facts("li", deals=3)], weights, months=3)
    assert row.deals_score == 50.0  # 3 of 6
    assert row.deal_value_score is None  # no value target and no value: nothing to measure
    [row] = scorecard([facts("li", deals=3)], weights, months=1)
    assert row.deals_score == 100.0


def project(pid: str, agent: str, revenue: str, expected: str | None, budget: str | None, costs: str,
            department: str = "sales") -> ProjectMoney:  # fmt: skip
    return ProjectMoney(project_id=pid, department=department, agent_id=f"u-{agent}", agent=agent,
                        deal_date=date(2026, 11, 10), revenue=Decimal(revenue),
                        expected_revenue=None if expected is None else Decimal(expected),
                        budget=None if budget is None else Decimal(budget), costs=Decimal(costs))  # fmt: skip


def test_revenue_against_expected_and_costs_against_budget_per_project_agent_and_department():
    report = money_report([
        project("p1", "li", "120000", "100000", "5000", "6000"),
        project("p2", "li", "80000", None, "4000", "1000"),
        project("p3", "wu", "45000", "60000", None, "700"),
        project("p4", "zhao", "10000", "10000", "0", "0", "rent"),
    ])  # fmt: skip
    p1, p2, p3, p4 = sorted(report.projects, key=lambda p: p.project_id)
    assert (p1.revenue_gap, p1.revenue_rate, p1.cost_rate, p1.over_budget) == (Decimal("20000"), 120.0, 120.0, True)
    assert (p2.revenue_gap, p2.revenue_rate, p2.cost_rate, p2.over_budget) == (None, None, 25.0, False)
    assert (p3.revenue_gap, p3.revenue_rate, p3.cost_rate) == (Decimal("-15000"), 75.0, None)
    assert (p4.revenue_rate, p4.cost_rate) == (100.0, None)  # a budget of 0 gives no rate
    zhao, li, wu = report.agents  # by department, then name
    # li: revenue 200,000; only p1 has an expected revenue: 120,000 / 100,000; costs 7,000 / 9,000 budget
    assert (li.agent, li.projects, li.revenue, li.expected_revenue, li.revenue_of_expected, li.revenue_rate) == (
        "li", 2, Decimal("200000"), Decimal("100000"), Decimal("120000"), 120.0)
    assert (li.budget, li.costs, li.cost_rate, li.over_budget) == (Decimal("9000"), Decimal("7000"), 77.78, 1)
    assert (wu.revenue_rate, wu.cost_rate, wu.budget) == (75.0, None, Decimal(0))
    assert zhao.department == "rent"
    rent, sales = report.departments
    # sales: expected 160,000 (p1, p3), their revenue 165,000 → 103.13; costs 7,000 of 9,000
    assert (sales.projects, sales.revenue, sales.expected_revenue, sales.revenue_of_expected) == (
        3, Decimal("245000"), Decimal("160000"), Decimal("165000"))
    assert (sales.revenue_rate, sales.cost_rate, sales.over_budget, sales.agent_id) == (103.13, 77.78, 1, None)
    assert (rent.projects, rent.revenue_rate) == (1, 100.0)
    assert money_report([]).model_dump() == {"projects": [], "agents": [], "departments": []}


def test_the_report_from_sums_as_postgresql_adds_them_up():
    sums = [MoneySum.of_sums(department="sales", agent_id=None, agent=None, projects=3, revenue=Decimal("245000"),
                             expected_revenue=Decimal("160000"), revenue_of_expected=Decimal("165000"),
                             budget=Decimal("9000"), costs=Decimal("7000"), over_budget=1),
            MoneySum.of_sums(department="sales", agent_id="u-li", agent="li", projects=2, revenue=Decimal("200000"),
                             expected_revenue=Decimal(0), revenue_of_expected=Decimal(0), budget=Decimal("9000"),
                             costs=Decimal("7000"), over_budget=1)]  # fmt: skip
    report = money_report_of(sums, [project("p1", "li", "120000", "100000", "5000", "6000")])
    [dept], [li] = report.departments, report.agents
    assert (dept.revenue_rate, dept.cost_rate, li.revenue_rate, li.cost_rate) == (103.13, 77.78, None, 77.78)
    assert [(p.project_id, p.revenue_rate, p.over_budget) for p in report.projects] == [("p1", 120.0, True)]
