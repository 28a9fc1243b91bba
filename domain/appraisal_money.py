"""Revenue against expected and costs against budget (issue 14; 002 二(一)3 预期收益, 二(二)2 and
000 二(一)3 预算, 成本控制), per project and summed per agent and per department: pure.
docs/appraisal.md §Revenue against expected.

The projects of a period are those whose confirmed deal is dated in it: the deal's value is
the revenue realised, against the assessment's expected revenue (预计收入, optional); the
project's costs recorded so far against its approved budget. Sums add only the projects
that give both sides, so a project with no expected revenue neither inflates nor lowers
the rate: revenue_rate = Σ revenue ÷ Σ expected × 100 over projects with an expected
revenue; cost_rate = Σ costs ÷ Σ budget × 100 over projects with a budget above 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, Field

ZERO = Decimal(0)


def percent(part: Decimal, whole: Decimal) -> float | None:
    """part ÷ whole × 100 to two decimals, halves up (in decimal: 103.125 is 103.13)."""
    return None if whole == 0 else float((part / whole * 100).quantize(Decimal("0.01"), ROUND_HALF_UP))


class ProjectMoney(BaseModel):
    """One project's revenue and costs, as the store reads them."""

    project_id: str = Field(description="The project")
    department: str = Field(description="The deal's department")
    agent_id: str | None = Field(description="The project's agent")
    agent: str | None = Field(default=None, description="Their name")
    deal_date: date = Field(description="The confirmed deal's date")
    revenue: Decimal = Field(description="The confirmed deal's value, yuan")
    expected_revenue: Decimal | None = Field(description="预计收入 from the assessment, yuan; null: not given")
    budget: Decimal | None = Field(description="The approved budget, yuan")
    costs: Decimal = Field(description="Costs recorded against it so far, yuan")
    revenue_gap: Decimal | None = Field(default=None, description="Revenue − expected, yuan")
    revenue_rate: float | None = Field(default=None, description="Revenue ÷ expected × 100")
    cost_rate: float | None = Field(default=None, description="Costs ÷ budget × 100")
    over_budget: bool = Field(default=False, description="Costs above the budget")

    def figured(self) -> ProjectMoney:
        expected, budget = self.expected_revenue, self.budget
        return self.model_copy(update={
            "revenue_gap": None if expected is None else self.revenue - expected,
            "revenue_rate": None if expected is None else percent(self.revenue, expected),
            "cost_rate": None if not budget else percent(self.costs, budget),
            "over_budget": budget is not None and self.costs > budget,
        })  # fmt: skip


class MoneySum(BaseModel):
    """The projects of one agent or one department added up."""

    department: str = Field(description="The department")
    agent_id: str | None = Field(default=None, description="The agent (null in a department's sum)")
    agent: str | None = Field(default=None, description="The agent's name")
    projects: int = Field(description="Projects with a confirmed deal in the period")
    revenue: Decimal = Field(description="Their deal values, yuan")
    expected_revenue: Decimal = Field(description="Expected revenue of those that gave one, yuan")
    revenue_of_expected: Decimal = Field(description="Revenue of those same projects, yuan")
    revenue_rate: float | None = Field(description="revenue_of_expected ÷ expected_revenue × 100")
    budget: Decimal = Field(description="Budgets of the projects with one, yuan")
    costs: Decimal = Field(description="Costs of those same projects, yuan")
    cost_rate: float | None = Field(description="costs ÷ budget × 100")
    over_budget: int = Field(description="Projects whose costs passed their budget")


    @classmethod
    def of_sums(cls, **sums: object) -> MoneySum:
        """From the sums (as PostgreSQL adds them up: store/appraisal_deals.py MONEY_SUMS), with
        the rates computed here."""
        expected, got = Decimal(str(sums["expected_revenue"])), Decimal(str(sums["revenue_of_expected"]))
        budget, costs = Decimal(str(sums["budget"])), Decimal(str(sums["costs"]))
        return cls.model_validate({**sums, "revenue_rate": percent(got, expected), "cost_rate": percent(costs, budget)})


def money_sum(department: str, projects: Sequence[ProjectMoney], agent_id: str | None = None,
              agent: str | None = None) -> MoneySum:  # fmt: skip
    expected = [p for p in projects if p.expected_revenue is not None]
    budgeted = [p for p in projects if p.budget]
    return MoneySum.of_sums(
        department=department, agent_id=agent_id, agent=agent, projects=len(projects),
        revenue=sum((p.revenue for p in projects), ZERO),
        expected_revenue=sum((p.expected_revenue or ZERO for p in expected), ZERO),
        revenue_of_expected=sum((p.revenue for p in expected), ZERO),
        budget=sum((p.budget or ZERO for p in budgeted), ZERO), costs=sum((p.costs for p in budgeted), ZERO),
        over_budget=sum(1 for p in projects if p.budget is not None and p.costs > p.budget))  # fmt: skip


class MoneyReport(BaseModel):
    projects: list[ProjectMoney] = Field(description="Each project with a confirmed deal dated in the period, "
                                         "when one department is shown (empty for every department at once)")
    agents: list[MoneySum] = Field(description="Summed per department and the project's agent")
    departments: list[MoneySum] = Field(description="Summed per department")


def _grouped(projects: Sequence[ProjectMoney], key: Callable[[ProjectMoney], tuple[str, str | None]]
             ) -> dict[tuple[str, str | None], list[ProjectMoney]]:  # fmt: skip
    out: dict[tuple[str, str | None], list[ProjectMoney]] = {}
    for p in projects:
        out.setdefault(key(p), []).append(p)
    return out


def money_report(projects: Sequence[ProjectMoney]) -> MoneyReport:
    figured = [p.figured() for p in projects]
    names = {p.agent_id: p.agent for p in figured}
    agents = _grouped(figured, lambda p: (p.department, p.agent_id))
    departments = _grouped(figured, lambda p: (p.department, None))
    return MoneyReport(
        projects=sorted(figured, key=lambda p: (p.department, p.deal_date, p.project_id)),
        agents=[money_sum(d, ps, a, names.get(a)) for (d, a), ps in sorted(agents.items(), key=lambda i: (
            i[0][0], names.get(i[0][1]) or "", i[0][1] or ""))],
        departments=[money_sum(d, ps) for (d, _), ps in sorted(departments.items())],
    )  # fmt: skip


def money_report_of(sums: Sequence[MoneySum], projects: Sequence[ProjectMoney]) -> MoneyReport:
    """The report from the sums PostgreSQL made (agents: with an agent; departments: without)
    and the projects listed (one department's)."""
    return MoneyReport(
        projects=sorted((p.figured() for p in projects), key=lambda p: (p.department, p.deal_date, p.project_id)),
        agents=sorted((m for m in sums if m.agent_id is not None), key=lambda m: (m.department, m.agent or "",
                                                                                  m.agent_id or "")),
        departments=sorted((m for m in sums if m.agent_id is None), key=lambda m: m.department),
    )  # fmt: skip
