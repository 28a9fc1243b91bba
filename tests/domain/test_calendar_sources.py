"""Where a project's working-day dates come from (docs/calendar.md): the holiday package
and the extra file for the years they know, weekdays for the years they do not, the
policy's overrides, and the official dates a project carries in its history."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from domain.calendar import DatesTable, OfficialDates, WorkCalendar, YearDates, calendar_for
from domain.policy import CalendarPolicy
from jindu.holidays import PACKAGE_DAYS, PackageDays, official_dates
from tests.domain.calendar_data import OFFICIAL, cal, sh, utc

# --------------------------------------------------------------------------- years the package lacks


def test_2027_falls_back_to_weekdays():
    # chinese-calendar 1.11 has no 2027 data; ordinary March days follow Mon–Fri.
    assert cal.is_working_day(date(2027, 3, 16))  # Tuesday
    assert not cal.is_working_day(date(2027, 3, 20))  # Saturday
    assert cal.add_working_days(sh(2027, 3, 19), 1) == utc(2027, 3, 22, 10)


def test_far_future_year_falls_back_to_weekdays():
    assert cal.is_working_day(date(2100, 1, 1))  # a Friday, no data ever
    assert not cal.is_working_day(date(2100, 1, 2))
    assert cal.add_working_days(sh(2100, 1, 1), 1) == utc(2100, 1, 4, 10)


def test_extra_file_dates_add_a_newly_published_year(tmp_path):
    path = tmp_path / "calendar_extra.json"
    path.write_text(json.dumps({"holidays": ["2027-01-01"], "workdays": ["2027-01-09"]}))
    official = PackageDays.load(path)
    new_year = WorkCalendar(CalendarPolicy(), official)
    assert not new_year.is_working_day(date(2027, 1, 1))
    assert new_year.is_working_day(date(2027, 1, 9))  # a Saturday
    assert new_year.add_working_days(sh(2026, 12, 31), 1) == utc(2027, 1, 4, 10)
    assert cal.add_working_days(sh(2026, 12, 31), 1) == utc(2027, 1, 1, 10)


def test_extra_file_overrides_the_package_too():
    official = PackageDays(workdays=[date(2026, 2, 16)])
    assert WorkCalendar(CalendarPolicy(), official).is_working_day(date(2026, 2, 16))


def test_extra_file_missing_is_empty_and_bad_files_are_rejected(tmp_path):
    assert PackageDays.load(tmp_path / "absent.json").holidays == frozenset()
    both = tmp_path / "both.json"
    both.write_text(json.dumps({"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}))
    with pytest.raises(ValueError, match="both"):
        PackageDays.load(both)
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps({"holiday": ["2027-01-01"]}))
    with pytest.raises(ValueError, match="unknown keys"):
        PackageDays.load(typo)
    bad_date = tmp_path / "bad.json"
    bad_date.write_text(json.dumps({"holidays": ["2027-13-01"]}))
    with pytest.raises(ValueError):
        PackageDays.load(bad_date)


def test_packaged_extra_file_loads():
    assert isinstance(PACKAGE_DAYS, PackageDays)
    assert not PACKAGE_DAYS.holidays & PACKAGE_DAYS.workdays


# --------------------------------------------------------------------------- policy overrides


def test_policy_extra_holidays_push_a_deadline():
    company = WorkCalendar(CalendarPolicy(extra_holidays=[date(2026, 11, 24)]), OFFICIAL)
    assert not company.is_working_day(date(2026, 11, 24))
    assert company.add_working_days(sh(2026, 11, 23), 1) == utc(2026, 11, 25, 10)


def test_policy_extra_workdays_open_a_holiday():
    company = WorkCalendar(CalendarPolicy(extra_workdays=[date(2026, 2, 16)]), OFFICIAL)
    assert company.add_working_days(sh(2026, 2, 14), 1) == utc(2026, 2, 16, 10)


def test_policy_workday_beats_policy_holiday():
    day = date(2026, 11, 28)
    both = WorkCalendar(CalendarPolicy(extra_holidays=[day], extra_workdays=[day]), OFFICIAL)
    assert both.is_working_day(day)


def test_policy_overrides_the_extra_file():
    official = PackageDays(holidays=[date(2027, 1, 1)])
    company = WorkCalendar(CalendarPolicy(extra_workdays=[date(2027, 1, 1)]), official)
    assert company.is_working_day(date(2027, 1, 1))


def test_endless_holiday_is_guarded():
    start = date(2026, 11, 24)
    never = WorkCalendar(CalendarPolicy(extra_holidays=[start + timedelta(days=i) for i in range(3700)]), OFFICIAL)
    with pytest.raises(ValueError, match="ten years"):
        never.add_working_days(sh(2026, 11, 23, 19), 0)


# --------------------------------------------------------------------------- dates carried by a project


def test_official_dates_list_weekday_holidays_and_weekend_workdays_only():
    dates = official_dates(2026).years[2026]
    assert date(2026, 10, 1) in dates.holidays  # National Day, a Thursday
    assert date(2026, 10, 3) not in dates.holidays  # a Saturday: off anyway
    assert date(2026, 2, 14) in dates.workdays and date(2026, 9, 20) in dates.workdays
    assert all(d.weekday() < 5 for d in dates.holidays) and all(d.weekday() >= 5 for d in dates.workdays)


def test_official_dates_cover_only_known_years_of_the_horizon():
    assert set(official_dates(2026).years) == {2026}  # chinese-calendar 1.11 stops at 2026
    assert official_dates(2030).years == {}


def test_published_year_wins_over_the_package():
    mine = YearDates(holidays=[date(2027, 1, 1)], workdays=[date(2027, 1, 9)])
    dates = official_dates(2026, {2027: mine})
    assert dates.years[2027] == mine
    table = DatesTable(dates)
    assert not table.is_workday(date(2027, 1, 1)) and table.is_workday(date(2027, 1, 9))


def test_a_year_without_dates_counts_monday_to_friday():
    table = DatesTable(OfficialDates())
    assert table.is_workday(date(2026, 10, 1))  # National Day, unknown to an empty table
    assert not table.is_workday(date(2026, 2, 14))  # the make-up Saturday likewise


def test_year_dates_refuse_a_date_twice_and_dates_of_another_year():
    with pytest.raises(ValueError, match="both"):
        YearDates(holidays=[date(2027, 1, 1)], workdays=[date(2027, 1, 1)])
    with pytest.raises(ValueError, match="outside 2027"):
        YearDates(holidays=[date(2028, 1, 3)]).check_year(2027)


def test_calendar_for_shares_one_table_per_policy_and_dates():
    dates = official_dates(2026)
    first = calendar_for(CalendarPolicy(), dates)
    assert calendar_for(CalendarPolicy(), OfficialDates.model_validate_json(dates.model_dump_json())) is first
    assert calendar_for(CalendarPolicy(cutoff_hour=17), dates) is not first
    assert first.add_working_days(sh(2026, 9, 30, 19), 0) == utc(2026, 10, 8, 10)
