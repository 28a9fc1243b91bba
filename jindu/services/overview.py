"""What staff look over (RULES §Progress metrics; issue 8 dashboards): the project list,
the inbox with each decision's context, the operations dashboard and the KPI report. The
API's GET routes and the workspace's pages both come here, so who may see what is said
once; each reads a bounded number of statements however much data there is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from api.auth import require_role
from api.project_view import parts_seen_by
from domain.errors import Forbidden, Invalid
from domain.kpi import KpiSummary
from domain.models import STAFF_ROLES, Role, Stage
from domain.text import Name
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.figures import DepartmentFigures, StageCount, department_figures, projects_by_stage
from store.inbox import DecisionContext, InboxItem, decision_context, inbox
from store.kpis import GroupBy, kpi_summaries, window
from store.reads import MAX_OFFSET, ProjectPage, list_projects, parse_cursor
from store.users import User

WATCH = Permit((Role.operations, Role.executive, Role.auditor), "see the dashboard")


def _staff(user: User) -> None:
    require_role(user, *STAFF_ROLES, action="see staff views")


def _own_department(user: User, department: str | None, what: str) -> str | None:
    """Agents and dept_heads see their own department only (asking for another is 403)."""
    if user.role in (Role.agent, Role.dept_head):
        if department not in (None, user.department):
            raise Forbidden(f"a {user.role.value} of {user.department} cannot see {what} of {department}",
                            "cannot_list", role=user.role.value, department=user.department, theirs=department)
        return user.department
    return department


class ProjectQuery(BaseModel):
    stage: Stage | None = Field(default=None, description="Only projects in this stage")
    department: Name | None = Field(default=None, description="Only this department's projects")
    overdue: bool | None = Field(default=None, description="Only projects with (true) or without (false) "
                                                           "an overdue action or task")  # fmt: skip
    warning: bool | None = Field(default=None, description="Only projects with (true) or without (false) "
                                                           "an active progress warning")  # fmt: skip
    limit: int = Field(default=20, ge=1, le=100, description="Page size")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Items to skip")
    after: str | None = Field(default=None, max_length=200, description="`next_cursor` of the previous page: "
                                                                        "the page after it (offset is then ignored)")


async def project_list(office: Office, user: User, q: ProjectQuery) -> ProjectPage:
    _staff(user)
    department = _own_department(user, q.department, "the projects")
    try:
        cursor = parse_cursor(q.after) if q.after is not None else None
    except ValueError as err:
        raise Invalid(f"after: {err}", "bad_cursor") from err
    return await list_projects(office.pool, stage=q.stage.value if q.stage else None, department=department,
                               overdue=q.overdue, warning=q.warning, limit=q.limit, offset=q.offset,
                               after=cursor)  # fmt: skip


class InboxContext(BaseModel):
    items: list[InboxItem]
    projects: dict[str, DecisionContext] = Field(description="What deciding each project item needs, by project id")


async def inbox_context(office: Office, user: User, lang: str = "zh") -> InboxContext:
    """`lang` words the items' descriptions (the page's language; the API's default is Chinese)."""
    async with office.pool.acquire() as conn:
        items = await inbox(conn, user_id=user.id, role=user.role, department=user.department, lang=lang)
        contexts = await decision_context(conn, items)
    # A customer's acceptance item is not the place to learn the budget (domain/visibility.py).
    return InboxContext(items=items, projects={pid: parts_seen_by(c, user.role) for pid, c in contexts.items()})


class Dashboard(BaseModel):
    week_start: datetime = Field(description="Monday 00:00 of this week in the company's time zone")
    by_stage: list[StageCount] = Field(description="Projects by department and stage, every stage")
    departments: list[DepartmentFigures] = Field(description="Per department; escalations since week_start")
    escalations_this_week: int = Field(description="Escalations recorded since week_start, all departments")


def week_start(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


async def dashboard(office: Office, user: User) -> Dashboard:
    WATCH.check(user)
    since = week_start(datetime.now(UTC), office.tz)
    departments = await department_figures(office.pool, since)
    return Dashboard(week_start=since, by_stage=await projects_by_stage(office.pool), departments=departments,
                     escalations_this_week=sum(d.escalations for d in departments))  # fmt: skip


class KpiQuery(BaseModel):
    group_by: GroupBy = Field(default="department", description="department, agent (the appraisal view), "
                                                                "month or quarter")  # fmt: skip
    period: str | None = Field(default=None, max_length=10, description="Only projects started in this period: "
                               "YYYY-MM, YYYY-Qn or YYYY; default: this month and the 11 before it")  # fmt: skip
    department: Name | None = Field(default=None, description="Only this department")
    agent: Name | None = Field(default=None, description="Only this agent (user name)")


class KpiReport(BaseModel):
    group_by: GroupBy
    period: str | None
    department: str | None
    agent: str | None
    first_day: date = Field(description="Projects started on or after this day are counted (company time zone)")
    last_day: date = Field(description="... and on or before this one; with no period, the 12 months up to now")
    items: list[KpiSummary]


async def kpi_report(office: Office, user: User, q: KpiQuery) -> KpiReport:
    _staff(user)
    department = _own_department(user, q.department, "the KPIs")
    today = datetime.now(UTC).astimezone(office.tz).date()
    try:
        first, after = window(q.period, today)
    except ValueError as err:
        raise Invalid(str(err), "bad_period", detail=str(err)) from err
    items = await kpi_summaries(office.pool, group_by=q.group_by, today=today, first=first, after=after,
                                department=department, agent=q.agent, tz=office.tz)  # fmt: skip
    return KpiReport(group_by=q.group_by, period=q.period, department=department, agent=q.agent, first_day=first,
                     last_day=after - timedelta(days=1), items=items)  # fmt: skip
