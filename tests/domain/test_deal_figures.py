"""Deal figures per agent and department (domain/deal_figures.py), with literal data: a split
deal counts once for its department and once for each agent with a part."""

from __future__ import annotations

from decimal import Decimal

from domain.appraisal_money import MoneySum
from domain.deal_figures import deal_figures

PARTS = [
    {"department": "一部", "user_id": "u-li", "deals": 1, "deal_value": Decimal(875000), "commission": Decimal(17500)},
    {"department": "一部", "user_id": "u-wang", "deals": 2, "deal_value": Decimal(775000),
     "commission": Decimal(19500)},
]  # fmt: skip


def money(agent_id: str | None, projects: int, revenue: int, expected: int, of_expected: int) -> MoneySum:
    return MoneySum.of_sums(department="一部", agent_id=agent_id, agent=None, projects=projects, revenue=revenue,
                            expected_revenue=expected, revenue_of_expected=of_expected, budget=0, costs=0,
                            over_budget=0)  # fmt: skip


SUMS = [money("u-li", 1, 1250000, 1000000, 1250000), money("u-wang", 1, 400000, 500000, 400000),
        money(None, 2, 1650000, 1500000, 1650000)]  # fmt: skip


def test_a_split_deal_counts_once_for_the_department_and_for_each_agent():
    agents, departments = deal_figures(PARTS, SUMS, {"u-li": "李雷", "u-wang": "王芳"})
    assert [(a.agent, a.deals, a.deal_value, a.commission, a.revenue_rate) for a in agents] == [
        ("李雷", 1, 875000, 17500, 125.0), ("王芳", 2, 775000, 19500, 80.0)]
    [d] = departments
    assert (d.deals, d.deal_value, d.commission, d.revenue_of_expected, d.expected_revenue, d.revenue_rate) == (
        2, 1650000, 37000, 1650000, 1500000, 110.0)


def test_an_agent_sees_only_their_own_row_and_no_department():
    agents, departments = deal_figures(PARTS, SUMS, {}, only_agent="u-wang")
    assert [(a.agent_id, a.agent, a.deals) for a in agents] == [("u-wang", None, 2)] and departments == []


def test_an_agent_who_recorded_a_deal_without_a_part_still_shows_its_revenue():
    agents, _ = deal_figures([], [money("u-zhao", 1, 300000, 0, 0)], {"u-zhao": "赵六"})
    assert [(a.agent, a.deals, a.deal_value, a.revenue_rate) for a in agents] == [("赵六", 0, 0, None)]
