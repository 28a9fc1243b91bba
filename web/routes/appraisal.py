"""The appraisal page: the staff scorecard and the customer-service KPIs of a period, with
charts and the downloads (docs/appraisal.md). A client of `/v1/appraisal` and
`/v1/service-kpis`, which decide who may see what."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jindu.i18n import translator
from web.api import Answer
from web.charts import bar_chart
from web.errors import problem
from web.render import page
from web.session import SignedIn

router = APIRouter(include_in_schema=False)

# Scorecard columns shown on the page (label key appraisal.column.<field>) and how to show them.
SCORECARD: tuple[tuple[str, str], ...] = (
    ("milestones_due", "int"), ("completion_rate", "pct"), ("cycle_deviation_rate", "pct"),
    ("satisfaction_score", "score"), ("first_review_pass_rate", "pct"), ("report_timeliness_rate", "pct"),
    ("complaints_received", "int"), ("complaints_on_time_rate", "pct"), ("risk_events", "int"),
    ("risk_loss", "yuan"), ("total_score", "score"), ("rank", "int"),
)  # fmt: skip
SCORECARD_CHARTS = ("total_score", "completion_rate", "satisfaction_score", "first_review_pass_rate",
                    "report_timeliness_rate", "complaints_on_time_rate", "risk_score")  # fmt: skip
SERVICE: tuple[tuple[str, str], ...] = (
    ("complaints_received", "int"), ("resolution_rate", "pct"), ("first_reply_on_time_rate", "pct"),
    ("resolution_on_time_rate", "pct"), ("satisfaction_after_resolution", "score"), ("suggestions", "int"),
    ("suggestion_adoption_rate", "pct"),
)  # fmt: skip
SERVICE_CHARTS = ("resolution_rate", "first_reply_on_time_rate", "satisfaction_after_resolution",
                  "suggestion_adoption_rate")  # fmt: skip
DOWNLOADS = {"appraisal": "/v1/appraisal", "service": "/v1/service-kpis"}


def _filters(period: str, department: str) -> dict[str, str]:
    return {"period": period.strip()[:7], "department": department.strip()[:100]}


def _download_links(filters: dict[str, str]) -> dict[str, str]:
    kept = {k: v for k, v in filters.items() if v}
    return {f"{what}_{fmt}": "/appraisal/download?" + urlencode({"what": what, "format": fmt, **kept})
            for what in DOWNLOADS for fmt in ("xlsx", "csv")}  # fmt: skip


@router.get("/appraisal")
async def appraisal(request: Request, visitor: SignedIn, period: str = "", department: str = "") -> Response:
    filters = _filters(period, department)
    card = await visitor.api.get("/v1/appraisal", filters)
    service = await visitor.api.get("/v1/service-kpis", filters) if card.ok else card
    if not service.ok:
        return page(request, "error.html", visitor, status=service.status, problem=problem(service, visitor.lang))
    t = translator(visitor.lang)
    rows, report = card.body["rows"], card.body
    several = report["department"] is None
    label = (lambda r: f"{r['name']} · {r['department']}") if several else (lambda r: r["name"])
    charts = [(t(f"appraisal.column.{name}"), bar_chart(
        [(label(r), r[name]) for r in rows], title=t(f"appraisal.column.{name}"), maximum=100.0,
        unit="%" if name.endswith("_rate") else "", empty=t("web.common.none")))
        for name in SCORECARD_CHARTS if any(r[name] is not None for r in rows)]  # fmt: skip
    items = service.body["items"]
    dept_label = lambda d: d if d is not None else t("appraisal.service.no_department")  # noqa: E731
    service_charts = [(t(f"appraisal.service.column.{name}"), bar_chart(
        [(dept_label(i["department"]), i[name]) for i in items], title=t(f"appraisal.service.column.{name}"),
        maximum=100.0, unit="%" if name.endswith("_rate") else "", empty=t("web.common.none")))
        for name in SERVICE_CHARTS if any(i[name] is not None for i in items)]  # fmt: skip
    return page(
        request, "appraisal.html", visitor, report=report, rows=rows, service=service.body,
        items=[{**i, "department": dept_label(i["department"])} for i in items],
        columns=[(name, kind, t(f"appraisal.column.{name}")) for name, kind in SCORECARD],
        service_columns=[(name, kind, t(f"appraisal.service.column.{name}")) for name, kind in SERVICE],
        weights=[(t(f"appraisal.weight.{name}"), weight) for name, weight in report["weights"].items()],
        charts=charts, service_charts=service_charts, filters=filters, downloads=_download_links(filters),
        several=several,
    )  # fmt: skip


@router.get("/appraisal/download")
async def appraisal_download(request: Request, visitor: SignedIn, what: str = "appraisal", format: str = "xlsx",
                             period: str = "", department: str = "") -> Response:  # fmt: skip
    params: dict[str, Any] = {**_filters(period, department), "format": "csv" if format == "csv" else "xlsx",
                              "lang": visitor.lang}  # fmt: skip
    r = await visitor.api.download(DOWNLOADS.get(what, DOWNLOADS["appraisal"]), params)
    if r.status_code != 200:
        try:
            body = r.json()
        except ValueError:
            body = None
        answer = Answer(r.status_code, body, r.headers.get("retry-after"))
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return Response(r.content, media_type=r.headers["content-type"],
                    headers={"Content-Disposition": r.headers["content-disposition"], "Cache-Control": "no-store"})
