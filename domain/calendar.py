"""Working-day calendar for deadlines (RULES §Deadlines and escalation, 004 第5篇).

Working days follow the Chinese calendar: official holidays are off and make-up
working weekends (调休) are on, per the `chinese-calendar` package. Years the package
does not know fall back to Monday–Friday plus the dates in `calendar_extra.json`; a
policy's `extra_holidays` / `extra_workdays` override both (docs/calendar.md).

Deterministic and I/O-free after import: workflow code calls it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar

from domain.policy import CalendarPolicy

MAX_SCAN_DAYS = 3660  # ten years: no real deadline is further away


def _load_extra() -> tuple[frozenset[date], frozenset[date]]:
    path = Path(__file__).with_name("calendar_extra.json")
    if not path.exists():
        return frozenset(), frozenset()
    data = json.loads(path.read_text(encoding="utf-8"))
    return (
        frozenset(date.fromisoformat(d) for d in data.get("holidays", [])),
        frozenset(date.fromisoformat(d) for d in data.get("workdays", [])),
    )


EXTRA_HOLIDAYS, EXTRA_WORKDAYS = _load_extra()


@lru_cache(maxsize=4096)
def _official_workday(d: date) -> bool:
    if d in EXTRA_WORKDAYS:
        return True
    if d in EXTRA_HOLIDAYS:
        return False
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:  # a year the package has no data for yet
        return d.weekday() < 5


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: deadlines need a time zone")
    return at


class WorkCalendar:
    def __init__(self, policy: CalendarPolicy) -> None:
        self.policy = policy
        self._tz = ZoneInfo(policy.timezone)
        self._holidays = frozenset(policy.extra_holidays)
        self._workdays = frozenset(policy.extra_workdays)

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def is_working_day(self, d: date) -> bool:
        if d in self._workdays:
            return True
        if d in self._holidays:
            return False
        return _official_workday(d)

    def local_date(self, at: datetime) -> date:
        return _aware(at).astimezone(self._tz).date()

    def end_of_day(self, d: date) -> datetime:
        """The cut-off on local day `d` (24 means midnight at the end of the day), in UTC."""
        hour = self.policy.cutoff_hour
        local = datetime.combine(d, time(0), self._tz) + timedelta(hours=hour)
        return local.astimezone(timezone.utc)

    def next_working_day(self, d: date) -> date:
        for _ in range(MAX_SCAN_DAYS):
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within ten years after {d}")

    def effective_day(self, at: datetime) -> date:
        """The working day an event at `at` counts for: after the cut-off, the next one."""
        local = _aware(at).astimezone(self._tz)
        d = local.date()
        if self.is_working_day(d) and local < self.end_of_day(d):
            return d
        return self.next_working_day(d)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Deadline: the cut-off of the `days`-th working day after the effective day."""
        if days < 0:
            raise ValueError("days must be >= 0")
        d = self.effective_day(start)
        for _ in range(days):
            d = self.next_working_day(d)
        return self.end_of_day(d)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Whole working-day cut-offs passed after `start` up to `end` (0 if end <= start)."""
        if _aware(end) <= _aware(start):
            return 0
        count, d = 0, self.effective_day(start)
        while self.end_of_day(d) <= end and count < MAX_SCAN_DAYS:
            count += 1
            d = self.next_working_day(d)
        return count

    def next_weekly(self, after: datetime, weekday: int, hour: int) -> datetime:
        """The first local `weekday` at `hour` strictly after `after` (calendar weeks), in UTC."""
        local = _aware(after).astimezone(self._tz)
        d = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
        candidate = datetime.combine(d, time(hour), self._tz)
        if candidate <= local:
            candidate = datetime.combine(d + timedelta(days=7), time(hour), self._tz)
        return candidate.astimezone(timezone.utc)
