"""Deadlines in working days, working hours or minutes (RULES §Deadlines and escalation;
004 第4篇 §3: a visit registered within 30 minutes; 003 4.1: a first response).

An SLA written `{"working_days": n}` falls due at the cut-off of the n-th working day, as it
always has (WorkCalendar.add_working_days). `{"working_hours": n}` and `{"minutes": n}` are
counted only inside the company's working hours (default 09:00–18:00, an optional lunch
break) on the calendar's working days, so "30 minutes" asked at 17:50 is due at 09:20 on
the next working day. Pure: the calendar carries the dates a workflow decided on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_SCAN_DAYS = 3660


class WorkingHours(BaseModel):
    """The company's working hours on a working day, local time; lunch is not counted."""

    model_config = ConfigDict(frozen=True)

    start: time = time(9)
    end: time = time(18)
    lunch_start: time | None = None
    lunch_end: time | None = None

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if not self.start < self.end:
            raise ValueError("working hours must start before they end")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("a lunch break needs both lunch_start and lunch_end")
        if self.lunch_start is not None and self.lunch_end is not None:
            if not self.start < self.lunch_start < self.lunch_end < self.end:
                raise ValueError("the lunch break must lie inside the working hours")
        return self

    def periods(self) -> list[tuple[time, time]]:
        """The counted stretches of one working day, in order."""
        if self.lunch_start is None or self.lunch_end is None:
            return [(self.start, self.end)]
        return [(self.start, self.lunch_start), (self.lunch_end, self.end)]


class Duration(BaseModel):
    """One SLA's length in exactly one unit (what a policy's SLA entry is written in)."""

    working_days: int | None = Field(default=None, ge=0, le=250)
    working_hours: int | None = Field(default=None, ge=0, le=2000)
    minutes: int | None = Field(default=None, ge=0, le=120000)


class Days(Protocol):
    """What due_at needs of a calendar (domain.calendar.WorkCalendar)."""

    @property
    def tz(self) -> ZoneInfo: ...

    def is_working_day(self, d: date) -> bool: ...

    def add_working_days(self, start: datetime, days: int) -> datetime: ...


def due_at(start: datetime, sla: Duration, calendar: Days, hours: WorkingHours) -> datetime:
    """When an SLA started at `start` falls due, in UTC."""
    if sla.working_hours is not None:
        return add_working_minutes(start, sla.working_hours * 60, calendar, hours)
    if sla.minutes is not None:
        return add_working_minutes(start, sla.minutes, calendar, hours)
    return calendar.add_working_days(start, sla.working_days or 0)


def add_working_minutes(start: datetime, minutes: int, calendar: Days, hours: WorkingHours) -> datetime:
    """`minutes` of working time after `start`; a deadline that ends a stretch exactly is due
    at its end (17:50 + 10 minutes is 18:00 today, not 09:00 tomorrow)."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError(f"naive datetime {start!r}: deadlines need a time zone")
    if minutes < 0:
        raise ValueError("minutes must be >= 0")
    tz = calendar.tz
    local = start.astimezone(tz)
    left = timedelta(minutes=minutes)
    d = local.date()
    for _ in range(MAX_SCAN_DAYS):
        if calendar.is_working_day(d):
            for begin, end in hours.periods():
                opens = datetime.combine(d, begin, tz)
                closes = datetime.combine(d, end, tz)
                at = max(opens, local)
                if at >= closes:
                    continue
                if at + left <= closes:
                    return (at + left).astimezone(UTC)
                left -= closes - at
        d += timedelta(days=1)
    raise ValueError(f"no working time within ten years after {start}")


def working_minutes_between(start: datetime, end: datetime, calendar: Days, hours: WorkingHours) -> int:
    """Whole working minutes from `start` to `end` (0 when end is not later): how late a
    registration or a reply was, in the same working time an SLA counts."""
    if end <= start:
        return 0
    tz = calendar.tz
    a, b = start.astimezone(tz), end.astimezone(tz)
    total, d = timedelta(0), a.date()
    while d <= b.date():
        if calendar.is_working_day(d):
            for begin, finish in hours.periods():
                lo = max(datetime.combine(d, begin, tz), a)
                hi = min(datetime.combine(d, finish, tz), b)
                if hi > lo:
                    total += hi - lo
        d += timedelta(days=1)
    return int(total.total_seconds() // 60)
