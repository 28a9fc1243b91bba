"""The workspace's 成交业绩 page (issue 14): a period's confirmed deals per agent and per
department, from the appraisal's statements (store/appraisal_deals.py: the deal parts and the
money sums) and one for the agents' names — three statements whatever the period or the
number of agents. Who sees what: an agent their own figures, a dept head their department,
executives and operations every department or one (domain/deal_figures.py composes)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field

from domain.deal_figures import AgentFigures, DepartmentFigures, deal_figures
from domain.errors import Forbidden, Invalid
from domain.models import Role
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.appraisal import Window
from store.appraisal_deals import deal_facts, money_sums
from store.users import User

SEE = Permit((Role.agent, Role.dept_head, Role.executive, Role.operations), "see deal figures")


class DealFiguresReport(BaseModel):
    period: str = Field(description="YYYY-MM, YYYY-Qn or YYYY")
    first_day: date
    last_day: date
    department: str | None = Field(description="The department shown; null: every department")
    agents: list[AgentFigures] = Field(description="Per agent: their parts; revenue of the deals they recorded")
    departments: list[DepartmentFigures] = Field(description="Per department (none for an agent)")


def _scope(user: User, department: str | None) -> str | None:
    SEE.check(user)
    if user.role in (Role.agent, Role.dept_head):
        if department not in (None, user.department):
            raise Forbidden(f"{user.name} may see the deal figures of {user.department} only",
                            "deal_figures_own_department", who=user.name, department=user.department)
        return user.department
    return department


async def deal_figures_report(office: Office, user: User, period: str | None,
                              department: str | None = None) -> DealFiguresReport:  # fmt: skip
    scope = _scope(user, department)
    key = period or f"{datetime.now(UTC).astimezone(office.tz):%Y-%m}"
    try:
        window = Window.of(key, office.tz)
    except ValueError as err:
        raise Invalid(str(err), "bad_period", detail=str(err)) from err
    parts = await deal_facts(office.pool, window.first, window.after, scope)
    sums = await money_sums(office.pool, window.first, window.after, scope)
    ids = sorted({str(p["user_id"]) for p in parts} | {s.agent_id for s in sums if s.agent_id})
    names = {r["id"]: r["name"] for r in await office.pool.fetch("SELECT id, name FROM users WHERE id = ANY($1)", ids)}
    agents, departments = deal_figures(parts, sums, names, only_agent=user.id if user.role == Role.agent else None)
    return DealFiguresReport(period=window.key, first_day=window.first, last_day=window.last, department=scope,
                             agents=agents, departments=departments)  # fmt: skip
