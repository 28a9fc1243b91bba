"""Progress metrics and appraisal views (RULES §Progress metrics, §Performance appraisal)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import Policy, Pool, StaffUser
from api.errors import responses
from domain.errors import Forbidden, Invalid
from domain.kpi import KpiSummary, period_bounds
from domain.models import Role
from domain.text import Name
from store.kpis import GroupBy, group, project_facts

router = APIRouter(prefix="/v1/kpis", tags=["kpis"])


class KpiReport(BaseModel):
    group_by: GroupBy
    period: str | None
    department: str | None
    agent: str | None
    items: list[KpiSummary]


@router.get("", response_model=KpiReport, summary="KPIs by department, agent, month or quarter",
            responses=responses(401, 403, 422))
async def get_kpis(
    user: StaffUser,
    pool: Pool,
    policy: Policy,
    group_by: Annotated[
        GroupBy, Query(description="department, agent (the appraisal view), month or quarter")
    ] = "department",
    period: Annotated[
        str | None, Query(description="Only projects started in this period: YYYY-MM, YYYY-Qn or YYYY")
    ] = None,
    department: Annotated[Name | None, Query(description="Only this department")] = None,
    agent: Annotated[Name | None, Query(description="Only this agent (user name)")] = None,
) -> KpiReport:
    """Each row: projects counted, key-node completion rate (done ÷ due so far, pooled),
    mean cycle deviation rate (forecast for running projects), satisfaction score (mean
    rating ÷ 5 × 100), first-time review pass rate, weekly-report timeliness and warnings
    raised. Agents and dept_heads see their own department only. Declined and cancelled
    projects are left out; rates are null where nothing is due yet."""
    if user.role in (Role.agent, Role.dept_head):
        if department not in (None, user.department):
            raise Forbidden(f"{user.name} may see KPIs of {user.department} only")
        department = user.department
    if period is not None:
        try:
            period_bounds(period)
        except ValueError as err:
            raise Invalid(str(err)) from err
    tz = ZoneInfo(policy.calendar.timezone)
    today = datetime.now(UTC).astimezone(tz).date()
    facts = await project_facts(pool, today=today, department=department, agent=agent, period=period, tz=tz)
    return KpiReport(group_by=group_by, period=period, department=department, agent=agent,
                     items=group(facts, group_by))
