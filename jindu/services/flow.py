"""How projects flow, for the dashboard's charts (issue 17): trends, the stage funnel, where
projects wait and how fast approvers answer. Seen by whoever may see the dashboard
(operations, executives, auditors); four statements whatever the data, each figure kept by
the process for `TTL` seconds per database (at 100,000 projects the four take ~1 s: a page
view after the first reads them from memory), so the charts are at most that old."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
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
TTL = 60.0  # seconds a figure is kept


class FigureCache:
    """Each figure of one database as last computed, for `ttl` seconds (like web/code_names.py)."""

    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._kept: dict[str, tuple[float, Any]] = {}

    async def get(self, figure: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        kept = self._kept.get(figure)
        if kept is not None and self.clock() - kept[0] < self.ttl:
            return kept[1]
        value = await compute()
        self._kept[figure] = (self.clock(), value)
        return value


_CACHES: dict[int, tuple[asyncpg.Pool, FigureCache]] = {}  # by pool (the pool is held: its id stays its own)


def cache_of(pool: asyncpg.Pool) -> FigureCache:
    found = _CACHES.get(id(pool))
    if found is None or found[0] is not pool:
        found = _CACHES[id(pool)] = (pool, FigureCache())
    return found[1]


class Flow(BaseModel):
    since: datetime = Field(description="Start of the window of the funnel, waits and response times")
    weeks: list[WeekFigures] = Field(description="The last 12 weeks, oldest first")
    funnel: list[FunnelStep] = Field(description="Projects started in the window reaching each stage, in order")
    waits: list[StageWait] = Field(description="Working days in each stage: every department (None), then each")
    approvers: list[ApproverResponse] = Field(description="Hours from a wait's start to the decision; slowest first")


async def flow(office: Office, user: User, now: datetime | None = None) -> Flow:
    """The figures as of `now`, computed; as of the last `TTL` seconds (kept) when `now` is None."""
    WATCH.check(user)
    cache = FigureCache(ttl=0) if now is not None else cache_of(office.pool)
    now = now or datetime.now(UTC)
    since = now - timedelta(days=WINDOW_DAYS)
    db = office.pool
    return Flow(
        since=since,
        weeks=await cache.get("weeks", lambda: weekly_trends(db, now, office.tz, WEEKS)),
        funnel=await cache.get("funnel", lambda: stage_funnel(db, since)),
        waits=await cache.get("waits", lambda: stage_waits(db, since.astimezone(office.tz).date(), now, office.tz)),
        approvers=await cache.get("approvers", lambda: approver_responses(db, since)),
    )
