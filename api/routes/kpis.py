"""Progress metrics and appraisal views (RULES §Progress metrics, §Performance appraisal)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import Policy, Pool, StaffUser
from api.errors import responses
from domain.errors import Forbidden, Invalid
from domain.kpi import KpiSummary
from domain.models import Role
from domain.text import Name
from store.kpis import GroupBy, kpi_summaries, window

router = APIRouter(prefix="/v1/kpis", tags=["kpis"])


class KpiReport(BaseModel):
    group_by: GroupBy
    period: str | None
    department: str | None
    agent: str | None
    first_day: date = Field(description="Projects started on or after this day are counted (company time zone)")
    last_day: date = Field(description="... and on or before this one; with no period, the 12 months up to now")
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
        str | None, Query(description="Only projects started in this period: YYYY-MM, YYYY-Qn or YYYY; "
                                      "default: this month and the 11 before it")
    ] = None,
    department: Annotated[Name | None, Query(description="Only this department")] = None,
    agent: Annotated[Name | None, Query(description="Only this agent (user name)")] = None,
) -> KpiReport:
    """Each row: projects counted, key-node completion rate (done ÷ due so far, pooled),
    mean cycle deviation rate (forecast for running projects), satisfaction score (mean
    rating ÷ 5 × 100), first-time review pass rate, weekly-report timeliness and warnings
    raised. Agents and dept_heads see their own department only. Declined and cancelled
    projects are left out; rates are null where nothing is due yet. Without a period, the
    projects started this month and in the 11 months before it (`first_day`, `last_day`)."""
    if user.role in (Role.agent, Role.dept_head):
        if department not in (None, user.department):
            raise Forbidden(f"{user.name} may see KPIs of {user.department} only")
        department = user.department
    tz = ZoneInfo(policy.calendar.timezone)
    today = datetime.now(UTC).astimezone(tz).date()
    try:
        first, after = window(period, today)
    except ValueError as err:
        raise Invalid(str(err)) from err
    items = await kpi_summaries(pool, group_by=group_by, today=today, first=first, after=after,
                                department=department, agent=agent, tz=tz)  # fmt: skip
    return KpiReport(group_by=group_by, period=period, department=department, agent=agent, first_day=first,
                     last_day=after - timedelta(days=1), items=items)  # fmt: skip
