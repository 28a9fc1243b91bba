"""Deal figures 成交业绩 of a period per agent and per department (issue 14; 001 业务质量考核 §1,
003 3.4: 成交数量或金额, commission; 002 二(一)3 预计收入), pure: the workspace's 成交业绩 page.

The facts are the appraisal's (store/appraisal_deals.py): each agent's parts of the confirmed
deals dated in the period (count, value, commission), and the period's money sums (revenue
against expected per project's agent and per department). An agent's deal count is the deals
they have a part in; a department's is its deals, once each however they were split, and its
value their whole value (the parts add up to it); its commission the parts' sum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from domain.appraisal_money import MoneySum


class Figures(BaseModel):
    deals: int = Field(default=0, description="Confirmed deals dated in the period")
    deal_value: Decimal = Field(default=Decimal(0), description="Their value (an agent: their parts), yuan")
    commission: Decimal = Field(default=Decimal(0), description="Commission (an agent: their parts), yuan")
    revenue_of_expected: Decimal = Field(default=Decimal(0), description="Revenue of the deals whose assessment "
                                         "gave an expected revenue (an agent: the deals they recorded), yuan")
    expected_revenue: Decimal = Field(default=Decimal(0), description="That expected revenue 预计收入, yuan")
    revenue_rate: float | None = Field(default=None, description="revenue_of_expected ÷ expected_revenue × 100")


class AgentFigures(Figures):
    department: str
    agent_id: str
    agent: str | None = Field(default=None, description="The agent's name")


class DepartmentFigures(Figures):
    department: str


def _money(target: Figures, s: MoneySum | None) -> None:
    if s is not None:
        target.revenue_of_expected, target.expected_revenue = s.revenue_of_expected, s.expected_revenue
        target.revenue_rate = s.revenue_rate


def deal_figures(parts: Sequence[Mapping[str, Any]], sums: Sequence[MoneySum], names: Mapping[str, str], *,
                 only_agent: str | None = None) -> tuple[list[AgentFigures], list[DepartmentFigures]]:  # fmt: skip
    """Per agent (by department, then value, most first) and per department (by name), from
    the deal facts' rows (department, user_id, deals, deal_value, commission) and the money
    sums. With `only_agent` the agent's own rows only, and no department's."""
    agents: dict[tuple[str, str], AgentFigures] = {}

    def agent(department: str, agent_id: str) -> AgentFigures:
        key = (department, agent_id)
        if key not in agents:
            agents[key] = AgentFigures(department=department, agent_id=agent_id, agent=names.get(agent_id))
        return agents[key]

    for p in parts:
        a = agent(str(p["department"]), str(p["user_id"]))
        a.deals, a.deal_value, a.commission = int(p["deals"]), Decimal(p["deal_value"]), Decimal(p["commission"])
    for s in sums:
        if s.agent_id is not None:
            _money(agent(s.department, s.agent_id), s)
    shown = sorted((a for a in agents.values() if only_agent in (None, a.agent_id)),
                   key=lambda a: (a.department, -a.deal_value, a.agent or a.agent_id))  # fmt: skip
    if only_agent is not None:
        return shown, []
    departments = []
    for s in sorted((s for s in sums if s.agent_id is None), key=lambda s: s.department):
        d = DepartmentFigures(department=s.department, deals=s.projects, deal_value=s.revenue,
                              commission=sum((a.commission for a in agents.values() if a.department == s.department),
                                             Decimal(0)))  # fmt: skip
        _money(d, s)
        departments.append(d)
    return shown, departments
