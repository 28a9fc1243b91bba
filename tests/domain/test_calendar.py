"""Working-day deadlines on the Chinese calendar (RULES §Deadlines and escalation).

Dates checked against chinese-calendar 1.11: Spring Festival 2026 is off Feb 15–23 with
make-up working Saturdays Feb 14 and Feb 28; National Day 2026 is off Oct 1–7 with
make-up working days Sun Sep 20 and Sat Oct 10; Mid-autumn is off Sep 25–27.
Asia/Shanghai is UTC+8 all year, so the 18:00 cut-off is 10:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkCalendar
from domain.policy import CalendarPolicy
from tests.domain.calendar_data import OFFICIAL, SH, cal, sh, utc

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
