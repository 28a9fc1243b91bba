"""The appraisal scorecard and the service KPIs (RULES §Performance appraisal, §Complaints and
feedback; docs/appraisal.md): JSON, or CSV / XLSX downloads with catalogue headers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.deps import Policy, Pool, role
from api.errors import responses
from api.exports import CSV_TYPE, XLSX_TYPE, Column, Sheet, cells, csv_file, download, xlsx_file
from domain.appraisal import FIGURES, ScorecardRow, scorecard
from domain.errors import Forbidden, Invalid
from domain.models import Role
from domain.policy import ProjectPolicy
from domain.service_kpis import ServiceKpis, combine, service_kpis
from domain.text import Name
from jindu.i18n import t
from store.appraisal import Window, service_facts, staff_facts
from store.customer_changes import AgentFollowUps, follow_up_figures
from store.deals import AgentDeals, deal_figures
from store.users import User

router = APIRouter(prefix="/v1", tags=["appraisal"])

Appraiser = Annotated[User, role(Role.dept_head, Role.executive, Role.operations, action="see appraisals")]
PeriodQuery = Annotated[str | None, Query(
    max_length=7, description="YYYY-MM (month), YYYY-Qn (quarter) or YYYY (year), in the company's time zone; "
                              "default: the current month")]  # fmt: skip
DepartmentQuery = Annotated[Name | None, Query(
    description="Only this department; a dept_head sees their own only (default: theirs; others: all)")]
FormatQuery = Annotated[Literal["json", "csv", "xlsx"] | None, Query(
    description="json (default), csv, or xlsx (an Excel workbook); `Accept: text/csv` also gives CSV")]
LangQuery = Annotated[Literal["zh", "en"], Query(description="Language of the download's headers (zh: Chinese)")]

SCORECARD_COLUMNS = [Column("department", "text"), Column("name", "text")] + [
    Column(name, "yuan" if name == "risk_loss" else "int" if info.annotation in (int, int | None) else "number")
    for name, info in ScorecardRow.model_fields.items() if name not in ("department", "user_id", "name")
]  # fmt: skip
SERVICE_COLUMNS = [Column("department", "text")] + [
    Column(name, "number" if name.endswith(("_rate", "_resolution")) else "int") for name in (
        "complaints_received", "complaints_answered", "complaints_resolved", "resolution_rate",
        "first_replies_due", "first_replies_on_time", "first_reply_on_time_rate",
        "resolutions_due", "resolutions_on_time", "resolution_on_time_rate",
        "confirmations", "confirmations_satisfied", "satisfaction_after_resolution", "satisfied_rate",
        "suggestions", "suggestions_decided", "suggestions_adopted", "suggestion_adoption_rate")
]  # fmt: skip
DOWNLOADS = {200: {"content": {"text/csv": {"schema": {"type": "string"}},
                               XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                   "description": "JSON; CSV with `Accept: text/csv` or `format=csv`; XLSX with `format=xlsx`"}}


class AppraisalReport(BaseModel):
    period: str = Field(description="The period asked for: YYYY-MM, YYYY-Qn or YYYY")
    first_day: date = Field(description="Its first day (company time zone)")
    last_day: date = Field(description="Its last day (company time zone)")
    department: str | None = Field(description="The department shown; null: every department")
    weights: dict[str, float] = Field(description="The policy's weight of each figure in the total score")
    rows: list[ScorecardRow] = Field(description="One row per staff member, by department then rank")
    deals: list[AgentDeals] = Field(default_factory=list, description="Confirmed deals 成交 dated in the period, per "
                                    "agent: count, value and commission (their parts; api/routes/deals.py)")
    follow_ups: list[AgentFollowUps] = Field(default_factory=list, description="Customer follow-ups 跟进 in the "
                                             "period per agent: entered, on time, customers lost to the pool")


class ServiceKpiReport(BaseModel):
    period: str = Field(description="The period asked for: YYYY-MM, YYYY-Qn or YYYY")
    first_day: date = Field(description="Its first day (company time zone)")
    last_day: date = Field(description="Its last day (company time zone)")
    department: str | None = Field(description="The department shown; null: every department")
    items: list[ServiceKpis] = Field(description="One row per department; department null: no department named")
    total: ServiceKpis = Field(description="All the rows together")


def _scope(user: User, department: str | None) -> str | None:
    if user.role == Role.dept_head:
        if department not in (None, user.department):
            raise Forbidden(f"{user.name} may see the appraisal of {user.department} only")
        return user.department
    return department


def _window(period: str | None, tz: ZoneInfo, now: datetime) -> Window:
    key = period or f"{now.astimezone(tz):%Y-%m}"
    try:
        return Window.of(key, tz)
    except ValueError as err:
        raise Invalid(str(err)) from err


def _wanted(request: Request, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    return "csv" if "text/csv" in request.headers.get("accept", "") else "json"


def _notes(window: Window, department: str | None, policy: ProjectPolicy, lang: str, now: datetime, *,
           weights: bool) -> Sheet:  # fmt: skip
    """The notes sheet: the period, the department, when, and (scorecard) the policy's weights."""
    label = lambda key: t(f"appraisal.notes.{key}", lang)  # noqa: E731
    w = policy.appraisal
    rows: list[list[Any]] = [
        [label("period"), window.key], [label("first_day"), window.first.isoformat()],
        [label("last_day"), window.last.isoformat()], [label("department"), department or label("all_departments")],
        [label("generated_at"), f"{now.astimezone(ZoneInfo(policy.calendar.timezone)):%Y-%m-%d %H:%M}"],
    ]  # fmt: skip
    if weights:
        rows += [
            [], [label("weight"), ""], *[[t(f"appraisal.weight.{name}", lang), getattr(w, name)] for name in FIGURES],
            [label("risk_points_per_event"), w.risk_points_per_event],
            [label("risk_points_per_10k_yuan"), w.risk_points_per_10k_yuan], [], [label("how")],
        ]  # fmt: skip
    return Sheet(t("appraisal.sheet.notes", lang), [t("appraisal.sheet.notes", lang), ""], rows, widths=[28, 24])


def _filename(kind: str, window: Window, department: str | None, ext: str) -> str:
    return f"{kind}-{window.key}{'-' + department if department else ''}.{ext}"


@router.get("/appraisal", response_model=AppraisalReport, summary="The appraisal scorecard 考核 of a period",
            responses={**responses(401, 403, 422), **DOWNLOADS})  # fmt: skip
async def get_appraisal(request: Request, user: Appraiser, pool: Pool, policy: Policy, period: PeriodQuery = None,
                        department: DepartmentQuery = None, format: FormatQuery = None,
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
    now = datetime.now(UTC)
    tz = ZoneInfo(policy.calendar.timezone)
    department = _scope(user, department)
    window = _window(period, tz, now)
    facts = await staff_facts(pool, window, department=department, today=now.astimezone(tz).date(), now=now)
    rows = scorecard(facts, policy.appraisal)
    weights = {name: float(getattr(policy.appraisal, name)) for name in FIGURES}
    wanted = _wanted(request, format)
    if wanted == "json":
        deals = await deal_figures(pool, since=window.first, until=window.last, department=department)
        follow_ups = await follow_up_figures(pool, since=window.first, until=window.last, tz=tz.key,
                                             department=department)  # fmt: skip
        return AppraisalReport(period=window.key, first_day=window.first, last_day=window.last, department=department,
                               weights=weights, rows=rows, deals=deals, follow_ups=follow_ups)  # fmt: skip
    headers = [c.header("appraisal", lang) for c in SCORECARD_COLUMNS]
    values = [cells(SCORECARD_COLUMNS, row.model_dump()) for row in rows]
    if wanted == "csv":
        return download(await csv_file(headers, values), CSV_TYPE, _filename("appraisal", window, department, "csv"))
    sheet = Sheet(t("appraisal.sheet.scorecard", lang), headers, values, [c.kind for c in SCORECARD_COLUMNS])
    content = await xlsx_file([sheet, _notes(window, department, policy, lang, now, weights=True)])
    return download(content, XLSX_TYPE, _filename("appraisal", window, department, "xlsx"))


@router.get("/service-kpis", response_model=ServiceKpiReport, summary="Customer-service KPIs by department",
            responses={**responses(401, 403, 422), **DOWNLOADS})  # fmt: skip
async def get_service_kpis(request: Request, user: Appraiser, pool: Pool, policy: Policy,
                           period: PeriodQuery = None, department: DepartmentQuery = None,
                           format: FormatQuery = None, lang: LangQuery = "zh") -> Any:  # fmt: skip
    """Of the complaints filed in the period: resolution rate (resolved ÷ answered, percent),
    on-time first-reply rate (percent), on-time resolution rate (percent), satisfaction after
    resolution (mean confirmation rating ÷ 5 × 100) and the satisfied share (percent); of
    the suggestions made in the period: adoption rate (adopted ÷ decided, percent). By
    department (null: complaints naming no project), with the total. Roles as for
    `/v1/appraisal`."""
    now = datetime.now(UTC)
    department = _scope(user, department)
    window = _window(period, ZoneInfo(policy.calendar.timezone), now)
    facts = await service_facts(pool, window, department=department, now=now)
    items = [service_kpis(f) for f in facts]
    total = service_kpis(combine(department, facts))
    wanted = _wanted(request, format)
    if wanted == "json":
        return ServiceKpiReport(period=window.key, first_day=window.first, last_day=window.last,
                                department=department, items=items, total=total)  # fmt: skip
    headers = [c.header("appraisal.service", lang) for c in SERVICE_COLUMNS]
    no_dept, total_label = t("appraisal.service.no_department", lang), t("appraisal.service.total", lang)
    values = [cells(SERVICE_COLUMNS, k.model_dump() | {"department": k.department or no_dept}) for k in items]
    values.append(cells(SERVICE_COLUMNS, total.model_dump() | {"department": total_label}))
    if wanted == "csv":
        return download(await csv_file(headers, values), CSV_TYPE, _filename("service-kpis", window, department, "csv"))
    sheet = Sheet(t("appraisal.sheet.service", lang), headers, values, [c.kind for c in SERVICE_COLUMNS])
    content = await xlsx_file([sheet, _notes(window, department, policy, lang, now, weights=False)])
    return download(content, XLSX_TYPE, _filename("service-kpis", window, department, "xlsx"))
