"""Working-day deadlines on the Chinese calendar (RULES §Deadlines and escalation).

Dates checked against chinese-calendar 1.11: Spring Festival 2026 is off Feb 15–23 with
make-up working Saturdays Feb 14 and Feb 28; National Day 2026 is off Oct 1–7 with
make-up working days Sun Sep 20 and Sat Oct 10; Mid-autumn is off Sep 25–27.
Asia/Shanghai is UTC+8 all year, so the 18:00 cut-off is 10:00 UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import DatesTable, OfficialDates, WorkCalendar, YearDates, calendar_for
from domain.policy import CalendarPolicy
from jindu.holidays import PACKAGE_DAYS, PackageDays, official_dates

SH = ZoneInfo("Asia/Shanghai")
UTC = UTC


def sh(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def utc(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# A project started in 2026 carries the official dates of 2026 and the following years.
OFFICIAL = DatesTable(official_dates(2026))
cal = WorkCalendar(CalendarPolicy(), OFFICIAL)


# --------------------------------------------------------------------------- ordinary weeks


def test_monday_morning_plus_three_is_thursday_cutoff():
    assert cal.add_working_days(sh(2026, 11, 23), 3) == utc(2026, 11, 26, 10)


def test_deadlines_are_aware_utc():
    due = cal.add_working_days(sh(2026, 11, 23), 1)
    assert due.tzinfo is UTC
    assert due.astimezone(SH) == sh(2026, 11, 24, 18)


def test_zero_days_is_the_cutoff_of_the_effective_day():
    assert cal.add_working_days(sh(2026, 11, 23, 9), 0) == utc(2026, 11, 23, 10)


def test_event_after_cutoff_counts_for_next_working_day():
    assert cal.effective_day(sh(2026, 11, 23, 19)) == date(2026, 11, 24)
    assert cal.add_working_days(sh(2026, 11, 23, 19), 0) == utc(2026, 11, 24, 10)
    assert cal.add_working_days(sh(2026, 11, 23, 19), 3) == utc(2026, 11, 27, 10)


def test_cutoff_itself_is_already_late_one_second_before_is_not():
    assert cal.effective_day(sh(2026, 11, 23, 18)) == date(2026, 11, 24)
    assert cal.effective_day(datetime(2026, 11, 23, 17, 59, 59, tzinfo=SH)) == date(2026, 11, 23)


def test_friday_evening_counts_for_monday():
    assert cal.effective_day(sh(2026, 11, 27, 20)) == date(2026, 11, 30)


def test_saturday_plus_one_is_tuesday():
    assert cal.effective_day(sh(2026, 11, 28)) == date(2026, 11, 30)
    assert cal.add_working_days(sh(2026, 11, 28), 1) == utc(2026, 12, 1, 10)


def test_time_zone_of_the_input_does_not_matter():
    # 2026-11-23 11:00 UTC is 19:00 in Shanghai: after the cut-off.
    assert cal.add_working_days(utc(2026, 11, 23, 11), 0) == utc(2026, 11, 24, 10)
    assert cal.add_working_days(utc(2026, 11, 23, 9, 59), 0) == utc(2026, 11, 23, 10)


def test_local_date_is_the_company_day():
    assert cal.local_date(utc(2026, 11, 23, 20)) == date(2026, 11, 24)
    assert cal.local_date(utc(2026, 11, 23, 15, 59)) == date(2026, 11, 23)


def test_end_of_day():
    assert cal.end_of_day(date(2026, 11, 23)) == utc(2026, 11, 23, 10)
    assert cal.end_of_day(date(2026, 11, 23)).tzinfo is UTC


def test_cutoff_24_is_midnight_and_any_time_that_day_counts():
    midnight = WorkCalendar(CalendarPolicy(cutoff_hour=24), OFFICIAL)
    assert midnight.end_of_day(date(2026, 11, 23)) == utc(2026, 11, 23, 16)
    assert midnight.effective_day(sh(2026, 11, 23, 23, 30)) == date(2026, 11, 23)
    assert midnight.add_working_days(sh(2026, 11, 23, 23, 30), 1) == utc(2026, 11, 24, 16)


def test_other_company_time_zone():
    london = WorkCalendar(CalendarPolicy(timezone="Europe/London", cutoff_hour=17), OFFICIAL)
    assert london.tz == ZoneInfo("Europe/London")
    # Winter time: London is UTC+0; 2026-11-23 08:00 Shanghai is 00:00 London, Monday.
    assert london.add_working_days(sh(2026, 11, 23, 8), 2) == utc(2026, 11, 25, 17)


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        cal.add_working_days(sh(2026, 11, 23), -1)


# --------------------------------------------------------------------------- Spring Festival 2026


def test_spring_festival_days():
    assert cal.is_working_day(date(2026, 2, 13))  # Friday before
    assert cal.is_working_day(date(2026, 2, 14))  # make-up Saturday
    for day in range(15, 24):
        assert not cal.is_working_day(date(2026, 2, day)), day
    assert cal.is_working_day(date(2026, 2, 24))
    assert cal.is_working_day(date(2026, 2, 28))  # make-up Saturday
    assert not cal.is_working_day(date(2026, 3, 1))


def test_deadline_that_would_fall_in_the_holiday_lands_after_it():
    # Thursday Feb 12 + 3: Fri 13, Sat 14 (make-up), then Tue 24 after the holiday.
    assert cal.add_working_days(sh(2026, 2, 12), 3) == utc(2026, 2, 24, 10)


def test_make_up_saturday_counts_as_a_working_day():
    assert cal.add_working_days(sh(2026, 2, 13), 1) == utc(2026, 2, 14, 10)
    assert cal.add_working_days(sh(2026, 2, 28, 9), 0) == utc(2026, 2, 28, 10)


def test_late_on_make_up_saturday_counts_for_monday():
    assert cal.add_working_days(sh(2026, 2, 28, 19), 0) == utc(2026, 3, 2, 10)


def test_event_during_the_holiday_counts_from_the_first_day_back():
    assert cal.effective_day(sh(2026, 2, 18)) == date(2026, 2, 24)
    assert cal.add_working_days(sh(2026, 2, 18), 2) == utc(2026, 2, 26, 10)


def test_late_on_the_last_day_before_the_holiday():
    assert cal.add_working_days(sh(2026, 2, 14, 18, 30), 0) == utc(2026, 2, 24, 10)


# --------------------------------------------------------------------------- National Day 2026


def test_national_day_days():
    assert cal.is_working_day(date(2026, 9, 20))  # make-up Sunday
    assert not cal.is_working_day(date(2026, 9, 19))
    for day in (25, 26, 27):  # Mid-autumn
        assert not cal.is_working_day(date(2026, 9, day)), day
    for day in range(1, 8):
        assert not cal.is_working_day(date(2026, 10, day)), day
    assert cal.is_working_day(date(2026, 10, 10))  # make-up Saturday
    assert not cal.is_working_day(date(2026, 10, 11))


def test_national_day_deadline_lands_after_the_holiday():
    assert cal.add_working_days(sh(2026, 9, 30), 1) == utc(2026, 10, 8, 10)
    assert cal.add_working_days(sh(2026, 9, 30, 19), 0) == utc(2026, 10, 8, 10)
    # Oct 8, Oct 9, Sat Oct 10 (make-up), Mon Oct 12
    assert cal.add_working_days(sh(2026, 9, 30, 19), 3) == utc(2026, 10, 12, 10)


def test_make_up_sunday_before_national_day():
    assert cal.effective_day(sh(2026, 9, 19)) == date(2026, 9, 20)
    assert cal.add_working_days(sh(2026, 9, 19), 0) == utc(2026, 9, 20, 10)


def test_mid_autumn_is_skipped():
    assert cal.add_working_days(sh(2026, 9, 24), 1) == utc(2026, 9, 28, 10)


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


# --------------------------------------------------------------------------- naive datetimes


@pytest.mark.parametrize(
    "call",
    [
        lambda c, t: c.add_working_days(t, 1),
        lambda c, t: c.effective_day(t),
        lambda c, t: c.local_date(t),
        lambda c, t: c.next_weekly(t, 4, 18),
        lambda c, t: c.working_days_between(t, t + timedelta(days=3)),
        lambda c, t: c.working_days_between(utc(2026, 11, 1, 0), t),
    ],
)
def test_naive_datetimes_raise(call):
    with pytest.raises(ValueError, match="naive"):
        call(cal, datetime(2026, 11, 23, 10))


# --------------------------------------------------------------------------- overdue counting


def test_working_days_between_counts_cutoffs_passed():
    due = utc(2026, 11, 26, 10)  # Thursday 18:00 Shanghai
    assert cal.working_days_between(due, utc(2026, 11, 26, 12)) == 0
    assert cal.working_days_between(due, utc(2026, 11, 27, 9, 59)) == 0
    assert cal.working_days_between(due, utc(2026, 11, 27, 10)) == 1
    assert cal.working_days_between(due, utc(2026, 11, 29, 12)) == 1  # weekend adds nothing
    assert cal.working_days_between(due, utc(2026, 11, 30, 10)) == 2


def test_working_days_between_is_zero_when_end_is_not_after_start():
    due = utc(2026, 11, 26, 10)
    assert cal.working_days_between(due, due) == 0
    assert cal.working_days_between(due, due - timedelta(days=5)) == 0


def test_working_days_between_skips_the_spring_festival():
    due = utc(2026, 2, 13, 10)  # Friday 18:00
    assert cal.working_days_between(due, utc(2026, 2, 23, 12)) == 1  # only make-up Sat 14
    assert cal.working_days_between(due, utc(2026, 2, 24, 10)) == 2


def test_overdue_count_matches_escalation_offsets():
    due = cal.add_working_days(sh(2026, 2, 10), 3)
    for n in range(6):
        step = cal.add_working_days(due - timedelta(seconds=1), n)
        assert cal.working_days_between(due, step) == n


# --------------------------------------------------------------------------- weekly reports


def test_next_weekly_is_the_coming_friday_evening():
    assert cal.next_weekly(sh(2026, 11, 23), 4, 18) == utc(2026, 11, 27, 10)


def test_next_weekly_is_strictly_after():
    assert cal.next_weekly(sh(2026, 11, 27, 18), 4, 18) == utc(2026, 12, 4, 10)
    assert cal.next_weekly(sh(2026, 11, 27, 17, 59), 4, 18) == utc(2026, 11, 27, 10)
    assert cal.next_weekly(sh(2026, 11, 28), 4, 18) == utc(2026, 12, 4, 10)


def test_next_weekly_uses_calendar_weeks_not_working_days():
    # Friday Oct 2 is a National Day holiday; the weekly report is still due that week.
    assert cal.next_weekly(sh(2026, 9, 30), 4, 18) == utc(2026, 10, 2, 10)


def test_next_weekly_in_local_time():
    # Sunday 23:00 UTC is already Monday 07:00 in Shanghai: Monday 09:00 is the same local day.
    assert cal.next_weekly(utc(2026, 11, 22, 23), 0, 9) == utc(2026, 11, 23, 1)


def test_next_weekly_rejects_bad_weekday_or_hour():
    with pytest.raises(ValueError):
        cal.next_weekly(sh(2026, 11, 23), 7, 18)
    with pytest.raises(ValueError):
        cal.next_weekly(sh(2026, 11, 23), 4, 24)


# --------------------------------------------------------------------------- invariants


@pytest.mark.parametrize("hour", [0, 9, 17, 18, 23])
@pytest.mark.parametrize("day", [date(2026, 2, 12) + timedelta(days=i) for i in range(20)])
def test_deadline_is_a_working_day_cutoff_after_the_start(day, hour):
    start = sh(day.year, day.month, day.day, hour)
    for n in (0, 1, 3):
        due = cal.add_working_days(start, n)
        assert due > start
        assert cal.is_working_day(cal.local_date(due))
        assert due.astimezone(SH).hour == 18


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
