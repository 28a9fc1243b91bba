"""The appraisal page: the staff scorecard and the customer-service KPIs of a period, with
charts and the downloads (docs/appraisal.md). The use cases are the API's
(jindu/services/appraisal.py), which decide who may see what."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import office_of
from api.exports import download
from jindu.i18n import translator
from jindu.services import appraisal as uc
from web.api import as_body, attempt
from web.charts import bars
from web.errors import problem
from web.render import page
from web.session import SignedIn

router = APIRouter(include_in_schema=False)

# Scorecard columns shown on the page (label key appraisal.column.<field>) and how to show them.
SCORECARD: tuple[tuple[str, str], ...] = (
    ("milestones_due", "int"), ("completion_rate", "pct"), ("cycle_deviation_rate", "pct"),
    ("satisfaction_score", "score"), ("first_review_pass_rate", "pct"), ("report_timeliness_rate", "pct"),
    ("complaints_received", "int"), ("complaints_on_time_rate", "pct"), ("risk_events", "int"),
    ("risk_loss", "yuan"), ("deals", "int"), ("deal_value", "yuan"), ("commission", "yuan"),
    ("follow_up_on_time_rate", "pct"), ("total_score", "score"), ("rank", "int"),
)  # fmt: skip
# Revenue against expected and costs against budget, per department and per agent (label key
# appraisal.money.<field>).
MONEY: tuple[tuple[str, str], ...] = (
    ("projects", "int"), ("revenue", "yuan"), ("expected_revenue", "yuan"), ("revenue_of_expected", "yuan"),
    ("revenue_rate", "pct"), ("budget", "yuan"), ("costs", "yuan"), ("cost_rate", "pct"), ("over_budget", "int"),
)  # fmt: skip
SCORECARD_CHARTS = ("total_score", "completion_rate", "satisfaction_score", "first_review_pass_rate",
                    "report_timeliness_rate", "complaints_on_time_rate", "risk_score", "deal_value_score",
                    "follow_up_on_time_rate")  # fmt: skip
SERVICE: tuple[tuple[str, str], ...] = (
    ("complaints_received", "int"), ("resolution_rate", "pct"), ("first_reply_on_time_rate", "pct"),
    ("resolution_on_time_rate", "pct"), ("satisfaction_after_resolution", "score"), ("suggestions", "int"),
    ("suggestion_adoption_rate", "pct"),
)  # fmt: skip
SERVICE_CHARTS = ("resolution_rate", "first_reply_on_time_rate", "satisfaction_after_resolution",
                  "suggestion_adoption_rate")  # fmt: skip
DOWNLOADS = ("appraisal", "service")


def _filters(period: str, department: str) -> dict[str, str]:
    return {"period": period.strip()[:7], "department": department.strip()[:100]}


def _download_links(filters: dict[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in filters.items() if v}
    return {f"{what}_{fmt}": "/appraisal/download?" + urlencode({"what": what, "format": fmt, **kept})
            for what in DOWNLOADS for fmt in ("xlsx", "csv")}  # fmt: skip


@router.get("/appraisal")
async def appraisal(request: Request, visitor: SignedIn, period: str = "", department: str = "") -> Response:
    filters = _filters(period, department)
    office, policy = office_of(request), request.app.state.policy

    async def scorecard() -> BaseModel:
        return await uc.appraisal_report(office, visitor.user, policy, _query(filters))

    async def service_kpis() -> BaseModel:
        return await uc.service_kpi_report(office, visitor.user, _query(filters))

    card = await attempt(request, scorecard())
    service = await attempt(request, service_kpis()) if card.ok else card
    if not service.ok:
        return page(request, "error.html", visitor, status=service.status, problem=problem(service, visitor.lang))
    t = translator(visitor.lang)
    rows, report = card.body["rows"], card.body
    several = report["department"] is None
    names = request.app.state.code_names
    label = (lambda r: f"{r['name']} · {names.label('department', r['department'], visitor.lang)}") if several \
        else (lambda r: r["name"])
    charts = [bars(f"appraisal-{name}", t(f"appraisal.column.{name}"), [(label(r), r[name]) for r in rows],
                   label_head=t("appraisal.column.name"), value_head=t(f"appraisal.column.{name}"),
                   unit="%" if name.endswith("_rate") else "", none=t("web.common.none"))
              for name in SCORECARD_CHARTS if any(r[name] is not None for r in rows)]  # fmt: skip
    items = service.body["items"]
    dept_label = lambda d: names.label("department", d, visitor.lang) if d is not None \
        else t("appraisal.service.no_department")  # noqa: E731
    service_charts = [bars(f"service-{name}", t(f"appraisal.service.column.{name}"),
                           [(dept_label(i["department"]), i[name]) for i in items],
                           label_head=t("appraisal.service.column.department"),
                           value_head=t(f"appraisal.service.column.{name}"),
                           unit="%" if name.endswith("_rate") else "", none=t("web.common.none"))
                      for name in SERVICE_CHARTS if any(i[name] is not None for i in items)]  # fmt: skip
    return page(
        request, "appraisal.html", visitor, report=report, rows=rows, service=service.body,
        items=[{**i, "department": dept_label(i["department"])} for i in items],
        columns=[(name, kind, t(f"appraisal.column.{name}")) for name, kind in SCORECARD],
        service_columns=[(name, kind, t(f"appraisal.service.column.{name}")) for name, kind in SERVICE],
        weights=[(t(f"appraisal.weight.{name}"), weight) for name, weight in report["weights"].items()],
        money=report["money"], money_columns=[(name, kind, t(f"appraisal.money.{name}")) for name, kind in MONEY],
        charts=charts, service_charts=service_charts, filters=filters, downloads=_download_links(filters),
        several=several,
    )  # fmt: skip


@router.get("/appraisal/download")
async def appraisal_download(request: Request, visitor: SignedIn, what: str = "appraisal", format: str = "xlsx",
                             period: str = "", department: str = "") -> Response:  # fmt: skip
    office, policy = office_of(request), request.app.state.policy
    fmt: uc.Format = "csv" if format == "csv" else "xlsx"
    make = uc.service_kpi_file if what == "service" else uc.appraisal_file

    async def file() -> uc.Download:
        return await make(office, visitor.user, policy, _query(_filters(period, department)), fmt,
                          "en" if visitor.lang == "en" else "zh")  # fmt: skip

    answer = await attempt(request, file())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    made: uc.Download = answer.result
    response = download(made.content, made.media_type, made.filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _query(filters: dict[str, str]) -> uc.PeriodQuery:
    return as_body(uc.PeriodQuery, {k: v for k, v in filters.items() if v})  # type: ignore[no-any-return]
