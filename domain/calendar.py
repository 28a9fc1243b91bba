"""Working-day calendar for deadlines (RULES §Deadlines and escalation, 004 第5篇).

Working days follow the Chinese calendar: official holidays are off and make-up working
weekends (调休) are on. Which dates those are is data a project carries in its history
(`OfficialDates`: its start input, extended by recorded `publish_calendar` updates), so a
newly published year or a package upgrade never changes a running project's past.
Years a project has no dates for count Monday–Friday; a policy's `extra_holidays` /
`extra_workdays` override both (docs/calendar.md).

Pure and deterministic: workflow code calls it with `workflow.now()`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator

from domain.policy import CalendarPolicy

MAX_SCAN_DAYS = 3660  # ten years: no real deadline is further away
MAX_DATES_PER_YEAR = 60


class YearDates(BaseModel):
    """One published year: holidays falling on weekdays, make-up working days on weekends."""

    model_config = ConfigDict(frozen=True)

    holidays: list[date] = Field(default_factory=list, max_length=MAX_DATES_PER_YEAR)
    workdays: list[date] = Field(default_factory=list, max_length=MAX_DATES_PER_YEAR)

    @model_validator(mode="after")
    def _disjoint(self) -> YearDates:
        both = set(self.holidays) & set(self.workdays)
        if both:
            raise ValueError(f"dates listed as both holiday and workday: {sorted(map(str, both))}")
        return self

    def outside(self, year: int) -> list[str]:
        """The dates listed that are not in `year`, in order (ISO)."""
        return sorted(str(d) for d in (*self.holidays, *self.workdays) if d.year != year)

    def check_year(self, year: int) -> None:
        stray = self.outside(year)
        if stray:
            raise ValueError(f"dates outside {year}: {stray}")


class OfficialDates(BaseModel):
    """The national schedule a project decides on, by year."""

    model_config = ConfigDict(frozen=True)

    years: dict[int, YearDates] = Field(default_factory=dict, max_length=20)

    def with_year(self, year: int, dates: YearDates) -> OfficialDates:
        return OfficialDates(years={**self.years, year: dates})

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> OfficialDates:
        return self  # immutable: a copied project shares its dates


@lru_cache(maxsize=64)
def shared_dates(json_text: str) -> OfficialDates:
    """One OfficialDates object per distinct schedule, shared by the projects using it."""
    return OfficialDates.model_validate_json(json_text)


class DatesAsText(BaseModel):
    """A model whose `calendar` (OfficialDates) travels as JSON text and is read back as the
    one shared object of its schedule (`shared_dates`)."""

    @field_validator("calendar", mode="before", check_fields=False)
    @classmethod
    def _shared_dates(cls, value: Any) -> Any:
        return shared_dates(value) if isinstance(value, str) else value

    @field_serializer("calendar", when_used="json", check_fields=False)
    def _dates_as_json_text(self, value: OfficialDates) -> str:
        return value.model_dump_json()


class OfficialDays(Protocol):
    def is_workday(self, d: date) -> bool: ...


class DatesTable:
    """`OfficialDates` as fast lookups."""

    def __init__(self, dates: OfficialDates) -> None:
        self._years = frozenset(dates.years)
        self._holidays = frozenset(d for y in dates.years.values() for d in y.holidays)
        self._workdays = frozenset(d for y in dates.years.values() for d in y.workdays)

    def is_workday(self, d: date) -> bool:
        if d.year in self._years:
            if d in self._workdays:
                return True
            if d in self._holidays:
                return False
        return d.weekday() < 5


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: deadlines need a time zone")
    return at


class WorkCalendar:
    """Working days and cut-offs of one company (its CalendarPolicy)."""

    def __init__(self, policy: CalendarPolicy, official: OfficialDays) -> None:
        self.policy = policy
        self._tz = ZoneInfo(policy.timezone)
        self._official = official
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
        return local.astimezone(UTC)

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
        return candidate.astimezone(UTC)


def calendar_for(policy: CalendarPolicy, dates: OfficialDates) -> WorkCalendar:
    """One shared WorkCalendar per (calendar policy, official dates): thousands of cached
    projects of one company share one table instead of holding a copy each."""
    return _calendar(policy.model_dump_json(), dates.model_dump_json())


@lru_cache(maxsize=64)
def _calendar(policy_json: str, dates_json: str) -> WorkCalendar:
    dates = OfficialDates.model_validate_json(dates_json)
    return WorkCalendar(CalendarPolicy.model_validate_json(policy_json), DatesTable(dates))
