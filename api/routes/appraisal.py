"""The appraisal scorecard and the service KPIs (RULES §Performance appraisal, §Complaints and
feedback; docs/appraisal.md): JSON, or CSV / XLSX downloads with catalogue headers (the use
cases: jindu/services/appraisal.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from api.deps import Policy, Services, role
from api.errors import responses
from api.exports import XLSX_TYPE, download
from jindu.services import appraisal as uc
from store.users import User

router = APIRouter(prefix="/v1", tags=["appraisal"])
Appraiser = Annotated[User, role(*uc.APPRAISE.roles, action=uc.APPRAISE.action)]  # before the query is read

FormatQuery = Annotated[Literal["json", "csv", "xlsx"] | None, Query(
    description="json (default), csv, or xlsx (an Excel workbook); `Accept: text/csv` also gives CSV")]
LangQuery = Annotated[Literal["zh", "en"], Query(description="Language of the download's headers (zh: Chinese)")]
DOWNLOADS = {200: {"content": {"text/csv": {"schema": {"type": "string"}},
                               XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                   "description": "JSON; CSV with `Accept: text/csv` or `format=csv`; XLSX with `format=xlsx`"}}




def _wanted(request: Request, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    return "csv" if "text/csv" in request.headers.get("accept", "") else "json"


@router.get("/appraisal", response_model=uc.AppraisalReport, summary="The appraisal scorecard 考核 of a period",
            responses={**responses(401, 403, 422), **DOWNLOADS})  # fmt: skip
async def get_appraisal(request: Request, user: Appraiser, office: Services, policy: Policy,
                        q: Annotated[uc.PeriodQuery, Query()], format: FormatQuery = None,
                        lang: LangQuery = "zh") -> Any:  # fmt: skip
    """Per staff member (agents, and anyone with facts in the period): key-node completion
    (percent), mean cycle deviation of the projects completed (percent) and its score,
    customer satisfaction from acceptance, revisit and complaint ratings (0–100), first-time
    review pass rate (percent), weekly report timeliness (percent), complaints received and
    resolved on time (percent), risk events and their losses (yuan) with the risk score,
    the weighted total (0–100; the weighted mean of the figures that exist, weights from
    the policy) and the rank within the department. dept_head: own department only;
    executive and operations: any. Downloads carry Chinese headers (`lang=en`: English);
    the XLSX has one sheet of rows (a department column) and one of notes and weights."""
    wanted = _wanted(request, format)
    if wanted == "json":
        return await uc.appraisal_report(office, user, policy, q)
    file = await uc.appraisal_file(office, user, policy, q, "csv" if wanted == "csv" else "xlsx", lang)
    return download(file.content, file.media_type, file.filename)


@router.get("/service-kpis", response_model=uc.ServiceKpiReport, summary="Customer-service KPIs by department",
            responses={**responses(401, 403, 422), **DOWNLOADS})  # fmt: skip
async def get_service_kpis(request: Request, user: Appraiser, office: Services, policy: Policy,
                           q: Annotated[uc.PeriodQuery, Query()], format: FormatQuery = None,
                           lang: LangQuery = "zh") -> Any:  # fmt: skip
    """Of the complaints filed in the period: resolution rate (resolved ÷ answered, percent),
    on-time first-reply rate (percent), on-time resolution rate (percent), satisfaction after
    resolution (mean confirmation rating ÷ 5 × 100) and the satisfied share (percent); of
    the suggestions made in the period: adoption rate (adopted ÷ decided, percent). By
    department (null: complaints naming no project), with the total. Roles as for
    `/v1/appraisal`."""
    wanted = _wanted(request, format)
    if wanted == "json":
        return await uc.service_kpi_report(office, user, q)
    file = await uc.service_kpi_file(office, user, policy, q, "csv" if wanted == "csv" else "xlsx", lang)
    return download(file.content, file.media_type, file.filename)
