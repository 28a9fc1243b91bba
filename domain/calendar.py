"""Working-day calendar for deadlines (RULES §Deadlines and escalation, 004 第5篇).

Working days follow the Chinese calendar: official holidays are off and make-up
working weekends (调休) are on, per the `chinese-calendar` package. Years the package
does not know fall back to Monday–Friday plus the dates in `calendar_extra.json`; a
policy's `extra_holidays` / `extra_workdays` override both (docs/calendar.md).

Deterministic and I/O-free after import: workflow code calls it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar

from domain.policy import CalendarPolicy

MAX_SCAN_DAYS = 3660  # ten years: no real deadline is further away
EXTRA_FILE = Path(__file__).with_name("calendar_extra.json")


class OfficialDays:
    """The published national schedule: the package's data, amended by extra dates.

    Extra dates win over the package, so a correction or a newly published year
    (`calendar_extra.json`) applies without waiting for a package release.
    """

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"dates listed as both holiday and workday: {sorted(map(str, both))}")
        self.is_workday = lru_cache(maxsize=4096)(self._is_workday)

    @classmethod
    def load(cls, path: Path) -> OfficialDays:
        """Read `{"holidays": [ISO dates], "workdays": [ISO dates]}`; a missing file is empty."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - {"holidays", "workdays", "comment"}
        if unknown:
            raise ValueError(f"{path.name}: unknown keys {sorted(unknown)}")
        return cls(
            holidays=(date.fromisoformat(d) for d in data.get("holidays", [])),
            workdays=(date.fromisoformat(d) for d in data.get("workdays", [])),
        )

    def _is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        try:
            return chinese_calendar.is_workday(d)
        except NotImplementedError:  # a year the package has no data for yet
            return d.weekday() < 5


OFFICIAL = OfficialDays.load(EXTRA_FILE)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: deadlines need a time zone")
    return at


class WorkCalendar:
    """Working days and cut-offs of one company (its CalendarPolicy)."""

    def __init__(self, policy: CalendarPolicy, *, official: OfficialDays | None = None) -> None:
        self.policy = policy
        self._tz = ZoneInfo(policy.timezone)
        self._official = official or OFFICIAL
        self._holidays = frozenset(policy.extra_holidays)
        self._workdays = frozenset(policy.extra_workdays)

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    def is_working_day(self, d: date) -> bool:
        # The company's own dates beat the national schedule; a date in both lists works.
        if d in self._workdays:
            return True
        if d in self._holidays:
            return False
        return self._official.is_workday(d)

    def local_date(self, at: datetime) -> date:
        return _aware(at).astimezone(self._tz).date()

    def end_of_day(self, d: date) -> datetime:
        """The cut-off on local day `d` (24 means midnight at the end of the day), in UTC."""
        local = datetime.combine(d, time(0), self._tz) + timedelta(hours=self.policy.cutoff_hour)
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
        if days > MAX_SCAN_DAYS:
            raise ValueError(f"days must be <= {MAX_SCAN_DAYS}")
        d = self.effective_day(start)
        for _ in range(days):
            d = self.next_working_day(d)
        return self.end_of_day(d)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working-day cut-offs passed after `start` up to and including `end`.

        From a deadline this is how many working days the work is overdue:
        `working_days_between(due, add_working_days(due - 1s, n)) == n`.
        """
        if _aware(end) <= _aware(start):
            return 0
        count, d = 0, self.effective_day(start)
        while self.end_of_day(d) <= end and count < MAX_SCAN_DAYS:
            count += 1
            d = self.next_working_day(d)
        return count

    def next_weekly(self, after: datetime, weekday: int, hour: int) -> datetime:
        """The first local `weekday` at `hour` strictly after `after` (calendar weeks), in UTC."""
        if not (0 <= weekday <= 6 and 0 <= hour <= 23):
            raise ValueError(f"weekday must be 0-6 and hour 0-23, got {weekday}, {hour}")
        local = _aware(after).astimezone(self._tz)
        d = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
        candidate = datetime.combine(d, time(hour), self._tz)
        if candidate <= local:
            candidate = datetime.combine(d + timedelta(days=7), time(hour), self._tz)
        return candidate.astimezone(timezone.utc)
