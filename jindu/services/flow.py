"""How projects flow, for the dashboard's charts (issue 17): trends, the stage funnel, where
projects wait and how fast approvers answer. Seen by whoever may see the dashboard
(operations, executives, auditors); four statements per request whatever the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from jindu.services.office import Office
from jindu.services.overview import WATCH
from store.flow_figures import (
    ApproverResponse,
    FunnelStep,
    StageWait,
    WeekFigures,
    approver_responses,
    stage_funnel,
    stage_waits,
    weekly_trends,
)
from store.users import User

WINDOW_DAYS = 365  # the funnel, waits and response times cover the year up to today
WEEKS = 12


class Flow(BaseModel):
    since: datetime = Field(description="Start of the window of the funnel, waits and response times")
    weeks: list[WeekFigures] = Field(description="The last 12 weeks, oldest first")
    funnel: list[FunnelStep] = Field(description="Projects started in the window reaching each stage, in order")
    waits: list[StageWait] = Field(description="Working days in each stage: every department (None), then each")
    approvers: list[ApproverResponse] = Field(description="Hours from a wait's start to the decision; slowest first")


async def flow(office: Office, user: User, now: datetime | None = None) -> Flow:
    WATCH.check(user)
    now = now or datetime.now(UTC)
    since = now - timedelta(days=WINDOW_DAYS)
    async with office.pool.acquire() as conn:
        weeks = await weekly_trends(conn, now, office.tz, WEEKS)
        funnel = await stage_funnel(conn, since)
        waits = await stage_waits(conn, since.astimezone(office.tz).date(), now, office.tz)
        approvers = await approver_responses(conn, since)
    return Flow(since=since, weeks=weeks, funnel=funnel, waits=waits, approvers=approvers)
