"""Progress metrics and appraisal views (RULES §Progress metrics, §Performance appraisal; the
use case: jindu/services/overview.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Services, StaffUser
from api.errors import responses
from jindu.services.overview import KpiQuery, KpiReport, kpi_report

router = APIRouter(prefix="/v1/kpis", tags=["kpis"])


@router.get("", response_model=KpiReport, summary="KPIs by department, agent, month or quarter",
            responses=responses(401, 403, 422))
async def get_kpis(user: StaffUser, office: Services, q: Annotated[KpiQuery, Query()]) -> KpiReport:
    """Each row: projects counted, key-node completion rate (done ÷ due so far, pooled),
    mean cycle deviation rate (forecast for running projects), satisfaction score (mean
    rating ÷ 5 × 100), first-time review pass rate, weekly-report timeliness and warnings
    raised. Agents and dept_heads see their own department only. Declined and cancelled
    projects are left out; rates are null where nothing is due yet. Without a period, the
    projects started this month and in the 11 months before it (`first_day`, `last_day`).
    Beside them, the confirmed deals dated in the same days: `deals` (by agent, those the agent
    has a part of), `deal_value` and `commission` (each agent's part; the whole deal otherwise)
    and `revenue_rate`, revenue ÷ expected × 100 (docs/appraisal.md §The same deals in the KPIs)."""
    return await kpi_report(office, user, q)
