"""Dashboards for operations and executives, and the KPI / appraisal view with charts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import office_of
from jindu.i18n import translator
from jindu.services import flow, overview
from web import charts as ch
from web.api import as_body, attempt
from web.errors import problem
from web.render import page
from web.session import SignedIn

router = APIRouter(include_in_schema=False)
GROUPINGS = ("department", "agent", "month", "quarter")
CHARTED = ("completion_rate", "cycle_deviation_rate", "satisfaction_score", "first_review_pass_rate",
           "report_timeliness_rate")


@router.get("/dashboard")
async def dashboard(request: Request, visitor: SignedIn) -> Response:
    answer = await attempt(request, overview.dashboard(office_of(request), visitor.user))
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    data = answer.body
    stages = sorted({row["stage"] for row in data["by_stage"]})
    table: dict[str, dict[str, int]] = {}
    for row in data["by_stage"]:
        table.setdefault(row["department"], {})[row["stage"]] = row["projects"]
    moves = await flow.flow(office_of(request), visitor.user)  # the dashboard's readers: allowed above
    t = translator(visitor.lang)
    wait_stages, wait_departments, wait_cells = ch.waits_by_department(moves.waits, t)
    return page(request, "dashboard.html", visitor, data=data, stages=stages, table=table,
                charts=[ch.trends(moves.weeks, t), ch.funnel(moves.funnel, t), ch.waits(moves.waits, t),
                        ch.approvers(moves.approvers, t)],
                wait_stages=wait_stages, wait_departments=wait_departments, wait_cells=wait_cells)


@router.get("/kpis")
async def kpis(request: Request, visitor: SignedIn, group_by: str = "department", period: str = "") -> Response:
    group_by = group_by if group_by in GROUPINGS else "department"
    query = {"group_by": group_by, "period": period.strip()[:10] or None}

    async def report() -> BaseModel:
        return await overview.kpi_report(office_of(request), visitor.user, as_body(overview.KpiQuery, query))

    answer = await attempt(request, report())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    t = translator(visitor.lang)
    if group_by == "department":  # the department's name, not its code
        names = request.app.state.code_names
        items = [{**row, "key": names.label("department", row["key"], visitor.lang)} for row in answer.body["items"]]
    else:
        items = answer.body["items"]
    charts = [ch.bars(f"kpi-{name}", t(f"web.kpi.{name}"), [(row["key"], row[name]) for row in items],
                      label_head=t(f"web.kpi.by.{group_by}"), value_head=t(f"web.kpi.{name}"), maximum=100.0,
                      unit="%", none=t("web.common.none")) for name in CHARTED]
    return page(request, "kpis.html", visitor, items=items, group_by=group_by, period=period,
                groupings=GROUPINGS, charts=charts, charted=CHARTED)
