"""The operations dashboard (issue 8): projects by stage, overdue and warning counts per
department, and escalations this week. An addition to the contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import Policy, Pool, role
from api.errors import responses
from domain.models import Role
from store.figures import DepartmentFigures, StageCount, department_figures, projects_by_stage
from store.users import User

router = APIRouter(prefix="/v1/dashboard", tags=["dashboard"])
Watcher = Annotated[User, role(Role.operations, Role.executive, Role.auditor, action="see the dashboard")]


class Dashboard(BaseModel):
    week_start: datetime = Field(description="Monday 00:00 of this week in the company's time zone")
    by_stage: list[StageCount] = Field(description="Projects by department and stage, every stage")
    departments: list[DepartmentFigures] = Field(description="Per department; escalations since week_start")
    escalations_this_week: int = Field(description="Escalations recorded since week_start, all departments")


def week_start(now: datetime, tz: ZoneInfo) -> datetime:
    local = now.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday


@router.get("", response_model=Dashboard, summary="Projects by stage and department, overdue, warnings, escalations",
            responses=responses(401, 403))
async def get_dashboard(user: Watcher, pool: Pool, policy: Policy) -> Dashboard:
    """Operations, executives and auditors: the whole company at a glance, from the read model."""
    since = week_start(datetime.now(UTC), ZoneInfo(policy.calendar.timezone))
    departments = await department_figures(pool, since)
    return Dashboard(week_start=since, by_stage=await projects_by_stage(pool), departments=departments,
                     escalations_this_week=sum(d.escalations for d in departments))
