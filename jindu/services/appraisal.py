"""The appraisal scorecard 考核 and the customer-service KPIs of a period (RULES §Performance
appraisal, §Complaints and feedback; docs/appraisal.md), as data or as a CSV / XLSX file
with catalogue headers. The API (`GET /v1/appraisal`, `/v1/service-kpis`) and the
workspace's 考核 page and downloads both come here: who may see which department is said
once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from api.exports import CSV_TYPE, XLSX_TYPE, Column, Sheet, cells, csv_file, xlsx_file
from domain.appraisal import FIGURES, ScorecardRow, scorecard
from domain.appraisal_money import MoneyReport, money_report, money_report_of
from domain.errors import Forbidden, Invalid
from domain.models import Role
from domain.policy import AppraisalWeights, ProjectPolicy
from domain.service_kpis import ServiceKpis, combine, service_kpis
from domain.text import Name
from jindu.i18n import t
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.appraisal import Window, service_facts, staff_facts
from store.appraisal_deals import money_facts, money_sums
from store.customer_changes import AgentFollowUps
from store.deals import AgentDeals
from store.users import User

APPRAISE = Permit((Role.dept_head, Role.executive, Role.operations), "see appraisals")
Format = Literal["json", "csv", "xlsx"]
Lang = Literal["zh", "en"]

YUAN = ("risk_loss", "deal_value", "commission")
SCORECARD_COLUMNS = [Column("department", "text"), Column("name", "text")] + [
    Column(name, "yuan" if name in YUAN else "int" if info.annotation in (int, int | None) else "number")
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


class PeriodQuery(BaseModel):
    period: str | None = Field(default=None, max_length=7, description="YYYY-MM (month), YYYY-Qn (quarter) or YYYY "
                               "(year), in the company's time zone; default: the current month")  # fmt: skip
    department: Name | None = Field(default=None, description="Only this department; a dept_head sees their own "
                                    "only (default: theirs; others: all)")  # fmt: skip


@dataclass(frozen=True)
class Download:
    """A file to hand over: its bytes, media type and name (may hold Chinese)."""

    content: bytes
    media_type: str
    filename: str


class AppraisalReport(BaseModel):
    period: str = Field(description="The period asked for: YYYY-MM, YYYY-Qn or YYYY")
    first_day: date = Field(description="Its first day (company time zone)")
    last_day: date = Field(description="Its last day (company time zone)")
    department: str | None = Field(description="The department shown; null: every department")
    weights: dict[str, float] = Field(description="The policy's weight of each figure in the total score")
    rows: list[ScorecardRow] = Field(description="One row per staff member, by department then rank")
    deals: list[AgentDeals] = Field(default_factory=list, description="Confirmed deals 成交 dated in the period, per "
                                    "agent: count, value and commission (their parts; api/routes/deals.py); the "
                                    "same figures as the rows', by value")  # fmt: skip
    follow_ups: list[AgentFollowUps] = Field(default_factory=list, description="Customer follow-ups 跟进 in the "
                                             "period per agent: entered, on time, customers lost to the pool")
    money: MoneyReport = Field(default_factory=lambda: money_report([]), description="Revenue against expected "
                               "and costs against budget of the projects whose confirmed deal is dated in the "
                               "period, per project, agent and department")  # fmt: skip


class ServiceKpiReport(BaseModel):
    period: str = Field(description="The period asked for: YYYY-MM, YYYY-Qn or YYYY")
    first_day: date = Field(description="Its first day (company time zone)")
    last_day: date = Field(description="Its last day (company time zone)")
    department: str | None = Field(description="The department shown; null: every department")
    items: list[ServiceKpis] = Field(description="One row per department; department null: no department named")
    total: ServiceKpis = Field(description="All the rows together")


def _scope(user: User, department: str | None) -> str | None:
    APPRAISE.check(user)
    if user.role == Role.dept_head:
        if department not in (None, user.department):
            raise Forbidden(f"{user.name} may see the appraisal of {user.department} only",
                            "appraisal_own_department", who=user.name, department=user.department)
        return user.department
    return department


def _window(period: str | None, tz: ZoneInfo, now: datetime) -> Window:
    key = period or f"{now.astimezone(tz):%Y-%m}"
    try:
        return Window.of(key, tz)
    except ValueError as err:
        raise Invalid(str(err), "bad_period", detail=str(err)) from err


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
            [label("risk_points_per_10k_yuan"), w.risk_points_per_10k_yuan], *_targets(w, label), [], [label("how")],
        ]  # fmt: skip
    return Sheet(t("appraisal.sheet.notes", lang), [t("appraisal.sheet.notes", lang), ""], rows, widths=[28, 24])


def _targets(w: AppraisalWeights, label: Callable[[str], str]) -> list[list[Any]]:
    """The deal figures' pars: the policy's monthly targets, or the department's average."""
    t = w.deal_targets
    if t is None or not (t.deals or t.value or t.commission):
        return [[label("deal_par"), label("deal_par_average")]]
    return [[label("deal_target_deals"), t.deals], [label("deal_target_value"), float(t.value)],
            [label("deal_target_commission"), float(t.commission)]]  # fmt: skip


def _filename(kind: str, window: Window, department: str | None, ext: str) -> str:
    return f"{kind}-{window.key}{'-' + department if department else ''}.{ext}"


async def _file(kind: str, title: str, columns: list[Column], values: list[list[Any]], fmt: Format, lang: Lang,
                notes: Sheet, window: Window, department: str | None) -> Download:  # fmt: skip
    headers = [c.header("appraisal" if kind == "appraisal" else "appraisal.service", lang) for c in columns]
    if fmt == "csv":
        return Download(await csv_file(headers, values), CSV_TYPE, _filename(kind, window, department, "csv"))
    sheet = Sheet(title, headers, values, [c.kind for c in columns])
    return Download(await xlsx_file([sheet, notes]), XLSX_TYPE, _filename(kind, window, department, "xlsx"))


async def _scorecard(office: Office, user: User, policy: ProjectPolicy,
                     q: PeriodQuery) -> tuple[Window, str | None, list[ScorecardRow], datetime]:  # fmt: skip
    now = datetime.now(UTC)
    department = _scope(user, q.department)
    window = _window(q.period, office.tz, now)
    facts = await staff_facts(office.pool, window, department=department, today=now.astimezone(office.tz).date(),
                              now=now)  # fmt: skip
    months = (window.after.year - window.first.year) * 12 + window.after.month - window.first.month
    return window, department, scorecard(facts, policy.appraisal, months), now


def _deals(rows: list[ScorecardRow]) -> list[AgentDeals]:
    return sorted((AgentDeals(agent_id=r.user_id, agent=r.name, department=r.department, deals=r.deals,
                              value=r.deal_value, commission=r.commission) for r in rows if r.deals),
                  key=lambda d: (-d.value, d.agent_id))  # fmt: skip


def _follow_ups(rows: list[ScorecardRow]) -> list[AgentFollowUps]:
    return [AgentFollowUps(agent_id=r.user_id, agent=r.name, department=r.department, follow_ups=r.follow_ups,
                           on_time=r.follow_ups_on_time, on_time_rate=r.follow_up_on_time_rate,
                           lost_to_pool=r.lost_to_pool)
            for r in sorted(rows, key=lambda r: (r.department, r.name)) if r.follow_ups or r.lost_to_pool]  # fmt: skip


async def appraisal_report(office: Office, user: User, policy: ProjectPolicy, q: PeriodQuery) -> AppraisalReport:
    """Per staff member: the figures, the weighted total and the rank within the department."""
    window, department, rows, now = await _scorecard(office, user, policy, q)
    # Per project for one department only: every department's year is tens of thousands of projects.
    # (The closed months of the money sums were made fresh by the scorecard's staff_facts.)
    sums = await money_sums(office.pool, window.first, window.after, department,
                            today=now.astimezone(office.tz).date(), tz=office.tz, ensure=False)  # fmt: skip
    projects = await money_facts(office.pool, window.first, window.after, department) if department else []
    money = money_report_of(sums, projects)
    weights = {name: float(getattr(policy.appraisal, name)) for name in FIGURES}
    return AppraisalReport(period=window.key, first_day=window.first, last_day=window.last, department=department,
                           weights=weights, rows=rows, deals=_deals(rows), follow_ups=_follow_ups(rows),
                           money=money)  # fmt: skip


async def appraisal_file(office: Office, user: User, policy: ProjectPolicy, q: PeriodQuery, fmt: Format,
                         lang: Lang) -> Download:  # fmt: skip
    """The scorecard as CSV, or as a workbook with a sheet of notes and the policy's weights."""
    window, department, rows, now = await _scorecard(office, user, policy, q)
    values = [cells(SCORECARD_COLUMNS, row.model_dump()) for row in rows]
    notes = _notes(window, department, policy, lang, now, weights=True)
    return await _file("appraisal", t("appraisal.sheet.scorecard", lang), SCORECARD_COLUMNS, values, fmt, lang,
                       notes, window, department)  # fmt: skip


async def _service(office: Office, user: User, q: PeriodQuery) -> tuple[Window, str | None, ServiceKpiReport, datetime]:
    now = datetime.now(UTC)
    department = _scope(user, q.department)
    window = _window(q.period, office.tz, now)
    facts = await service_facts(office.pool, window, department=department, now=now)
    report = ServiceKpiReport(period=window.key, first_day=window.first, last_day=window.last, department=department,
                              items=[service_kpis(f) for f in facts], total=service_kpis(combine(department, facts)))
    return window, department, report, now


async def service_kpi_report(office: Office, user: User, q: PeriodQuery) -> ServiceKpiReport:
    """Of the complaints filed in the period and the suggestions made in it, by department."""
    return (await _service(office, user, q))[2]


async def service_kpi_file(office: Office, user: User, policy: ProjectPolicy, q: PeriodQuery, fmt: Format,
                           lang: Lang) -> Download:  # fmt: skip
    window, department, report, now = await _service(office, user, q)
    no_dept, total_label = t("appraisal.service.no_department", lang), t("appraisal.service.total", lang)
    values = [cells(SERVICE_COLUMNS, k.model_dump() | {"department": k.department or no_dept}) for k in report.items]
    values.append(cells(SERVICE_COLUMNS, report.total.model_dump() | {"department": total_label}))
    notes = _notes(window, department, policy, lang, now, weights=False)
    return await _file("service-kpis", t("appraisal.sheet.service", lang), SERVICE_COLUMNS, values, fmt, lang,
                       notes, window, department)  # fmt: skip
