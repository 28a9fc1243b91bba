"""The national holiday schedule as published: the `chinese-calendar` package (pinned) plus
`jindu/calendar_extra.json`, and PostgreSQL's published years (store/calendar.py).

Read here, at the edges: a new project's start input carries the official dates of its
horizon (`official_dates`), and `jindu calendar publish` sends a newly published year to
running projects as a recorded update. Workflow code never reads this module's data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

import chinese_calendar
from chinese_calendar import constants

from domain.calendar import OfficialDates, YearDates

EXTRA_FILE = Path(__file__).with_name("calendar_extra.json")
HORIZON_YEARS = 3  # a project's start input carries the known dates of this many years


class PackageDays:
    """The package's schedule amended by extra dates (extra dates win over the package)."""

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"dates listed as both holiday and workday: {sorted(map(str, both))}")
        self.is_workday = lru_cache(maxsize=4096)(self._is_workday)
        self._years: dict[int, YearDates | None] = {}  # each year worked out once (every project start asks)

    @classmethod
    def load(cls, path: Path) -> PackageDays:
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
            return bool(chinese_calendar.is_workday(d))
        except NotImplementedError:  # a year the package has no data for yet
            return d.weekday() < 5

    def known_years(self) -> set[int]:
        return {d.year for d in constants.holidays} | {d.year for d in self.holidays | self.workdays}

    def year(self, year: int) -> YearDates | None:
        """The published holidays and make-up working days of `year`, or None if unknown."""
        if year not in self._years:
            self._years[year] = self._year(year)
        return self._years[year]

    def _year(self, year: int) -> YearDates | None:
        if year not in self.known_years():
            return None
        days = [date.fromordinal(o) for o in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())]
        holidays = [d for d in days if not self.is_workday(d) and d.weekday() < 5]
        workdays = [d for d in days if self.is_workday(d) and d.weekday() >= 5]
        return YearDates(holidays=holidays, workdays=workdays)


PACKAGE_DAYS = PackageDays.load(EXTRA_FILE)


def official_dates(first_year: int, published: dict[int, YearDates] | None = None) -> OfficialDates:
    """The known official dates of `first_year` and the following years of the horizon.

    Published years (from `jindu calendar publish`) win over the package's."""
    published = published or {}
    years: dict[int, YearDates] = {}
    for year in range(first_year, first_year + HORIZON_YEARS):
        known = published.get(year) or PACKAGE_DAYS.year(year)
        if known is not None:
            years[year] = known
    return OfficialDates(years=years)
