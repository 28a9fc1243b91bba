"""The official holiday calendar projects count working days on (docs/calendar.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import actor
from api.deps import AppSettings, Pool, StaffUser, TemporalClient, role
from api.errors import responses
from domain.calendar import YearDates
from domain.errors import Invalid
from domain.models import Role
from jindu.calendar_publish import PublishReport, publish
from store.intake import published_years
from store.users import User

router = APIRouter(prefix="/v1/calendar", tags=["calendar"])
Year = Annotated[int, Path(ge=2000, le=2100, description="The calendar year")]


@router.get("", response_model=dict[int, YearDates], summary="Years published by operations",
            responses=responses(401, 403))  # fmt: skip
async def get_calendar(user: StaffUser, pool: Pool) -> dict[int, YearDates]:
    """The years published with `PUT /v1/calendar/{year}` or `jindu calendar publish`; other
    years come from the pinned `chinese-calendar` package when a project starts."""
    return await published_years(pool)


@router.put("/{year}", response_model=PublishReport, summary="Publish a year's holidays to every project",
            responses=responses(401, 403, 422))  # fmt: skip
async def put_calendar(year: Year, dates: YearDates, user: Annotated[User, role(Role.operations,
                       action="publish the holiday calendar")], pool: Pool, client: TemporalClient,
                       settings: AppSettings) -> PublishReport:  # fmt: skip
    """Operations publish a year's official dates: `holidays` on weekdays and make-up working
    days (`workdays`) on weekends. New projects take them when they start; every running
    project records them as a `calendar_published` step and counts later deadlines on them
    (deadlines already set stay). Repeating it changes nothing."""
    try:
        dates.check_year(year)
    except ValueError as err:
        raise Invalid(str(err), "calendar_invalid", detail=str(err), year=year,
                      dates=dates.outside(year)) from err
    return await publish(pool, client, year, dates, actor(user), settings.task_queue)
