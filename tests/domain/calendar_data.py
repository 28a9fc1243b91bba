"""Shared calendar test data: Shanghai times and a calendar for a project started in 2026."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.calendar import DatesTable, WorkCalendar
from domain.policy import CalendarPolicy
from jindu.holidays import official_dates

SH = ZoneInfo("Asia/Shanghai")


def sh(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def utc(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# A project started in 2026 carries the official dates of 2026 and the following years.
OFFICIAL = DatesTable(official_dates(2026))
cal = WorkCalendar(CalendarPolicy(), OFFICIAL)
