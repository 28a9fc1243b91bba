"""The 成交业绩 page (issue 14): a period's confirmed deals per agent and per department — count,
value, commission, revenue against expected — with a bar chart of the deal value. The use
case (jindu/services/deal_figures.py) decides who sees what: an agent their own figures, a
dept head their department, executives and operations every department or one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import office_of
from jindu.i18n import translator
from jindu.services.deal_figures import deal_figures_report
from web.api import attempt
from web.charts import bars
from web.errors import problem
from web.render import page
from web.session import SignedIn

router = APIRouter(include_in_schema=False)
# The columns of both tables (label key deals.column.<field>) and how each is shown.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("deals", "int"), ("deal_value", "yuan"), ("commission", "yuan"), ("revenue_of_expected", "yuan"),
    ("expected_revenue", "yuan"), ("revenue_rate", "pct"),
)  # fmt: skip


@router.get("/deals")
async def deals_page(request: Request, visitor: SignedIn, period: str = "", department: str = "") -> Response:
    filters = {"period": period.strip()[:7], "department": department.strip()[:100]}

    async def report() -> BaseModel:
        return await deal_figures_report(office_of(request), visitor.user, filters["period"] or None,
                                         filters["department"] or None)  # fmt: skip

    answer = await attempt(request, report())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    t, body = translator(visitor.lang), answer.body
    names = request.app.state.code_names
    several = body["department"] is None and len({a["department"] for a in body["agents"]}) > 1
    label = (lambda a: f"{a['agent'] or a['agent_id']} · {names.label('department', a['department'], visitor.lang)}") \
        if several else (lambda a: a["agent"] or a["agent_id"])  # fmt: skip
    charts = [bars("deals-value", t("deals.chart.value"), [(label(a), float(a["deal_value"])) for a in body["agents"]],
                   label_head=t("deals.column.agent"), value_head=t("deals.column.deal_value"),
                   none=t("web.common.none"))] if body["agents"] else []  # fmt: skip
    return page(request, "deals.html", visitor, report=body, filters=filters, charts=charts,
                columns=[(name, kind, t(f"deals.column.{name}")) for name, kind in COLUMNS])  # fmt: skip
