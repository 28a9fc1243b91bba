"""SLAs in working days, working hours and minutes (domain/sla.py), with literal dates.

National Day 2026 as written out here: off Thu Oct 1 – Wed Oct 7 (weekdays Oct 1, 2, 5, 6, 7
listed), make-up working days Sun Sep 20 and Sat Oct 10 (调休). Asia/Shanghai is UTC+8.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from domain.calendar import DatesTable, OfficialDates, WorkCalendar, YearDates
from domain.policy import CalendarPolicy, ProjectPolicy, SlaPolicy
from domain.sla import Duration, WorkingHours, add_working_minutes, due_at, working_minutes_between

SH = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY = YearDates(
    holidays=[date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)],
    workdays=[date(2026, 9, 20), date(2026, 10, 10)],
)
CAL = WorkCalendar(CalendarPolicy(), DatesTable(OfficialDates(years={2026: NATIONAL_DAY})))
DAY = WorkingHours()  # 09:00–18:00, no lunch
LUNCH = WorkingHours(lunch_start=time(12), lunch_end=time(13))


def sh(m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=SH)


def minutes(n: int) -> Duration:
    return Duration(minutes=n)


def hours(n: int) -> Duration:
    return Duration(working_hours=n)


# --------------------------------------------------------------------------- minutes


def test_thirty_minutes_at_1750_resume_at_0900_next_working_day():
    assert due_at(sh(11, 24, 17, 50), minutes(30), CAL, DAY) == sh(11, 25, 9, 20)


def test_deadline_ending_a_day_exactly_is_that_evening():
    assert due_at(sh(11, 24, 17, 50), minutes(10), CAL, DAY) == sh(11, 24, 18)


def test_inside_the_day_is_plain_minutes():
    assert due_at(sh(11, 24, 10, 5), minutes(30), CAL, DAY) == sh(11, 24, 10, 35)


def test_before_opening_counts_from_opening():
    assert due_at(sh(11, 24, 7, 0), minutes(30), CAL, DAY) == sh(11, 24, 9, 30)


def test_evening_counts_from_next_morning():
    assert due_at(sh(11, 24, 21, 0), minutes(30), CAL, DAY) == sh(11, 25, 9, 30)


def test_friday_evening_resumes_monday():
    assert due_at(sh(11, 27, 17, 45), minutes(30), CAL, DAY) == sh(11, 30, 9, 15)


def test_weekend_registration_counts_from_monday():
    assert due_at(sh(11, 28, 11, 0), minutes(30), CAL, DAY) == sh(11, 30, 9, 30)


def test_result_is_utc():
    due = due_at(sh(11, 24, 17, 50), minutes(30), CAL, DAY)
    assert due.tzinfo is UTC and due == datetime(2026, 11, 25, 1, 20, tzinfo=UTC)


def test_zero_minutes_outside_hours_is_next_opening():
    assert due_at(sh(11, 24, 19, 0), minutes(0), CAL, DAY) == sh(11, 25, 9)
    assert due_at(sh(11, 24, 10, 0), minutes(0), CAL, DAY) == sh(11, 24, 10)


# --------------------------------------------------------------------------- lunch


def test_across_lunch_skips_the_break():
    assert due_at(sh(11, 24, 11, 50), minutes(30), CAL, LUNCH) == sh(11, 24, 13, 20)


def test_at_lunch_counts_from_its_end():
    assert due_at(sh(11, 24, 12, 15), minutes(30), CAL, LUNCH) == sh(11, 24, 13, 30)


def test_ending_exactly_at_lunch_is_due_at_noon():
    assert due_at(sh(11, 24, 11, 30), minutes(30), CAL, LUNCH) == sh(11, 24, 12)


def test_without_lunch_modelled_noon_counts():
    assert due_at(sh(11, 24, 11, 50), minutes(30), CAL, DAY) == sh(11, 24, 12, 20)


# --------------------------------------------------------------------------- working hours


def test_two_working_hours_at_1700_end_next_morning():
    assert due_at(sh(11, 24, 17, 0), hours(2), CAL, DAY) == sh(11, 25, 10)


def test_nine_working_hours_from_opening_is_the_same_evening():
    assert due_at(sh(11, 24, 9, 0), hours(9), CAL, DAY) == sh(11, 24, 18)


def test_working_hours_with_lunch_take_eight_hour_days():
    assert due_at(sh(11, 24, 9, 0), hours(8), CAL, LUNCH) == sh(11, 24, 18)
    assert due_at(sh(11, 24, 9, 0), hours(9), CAL, LUNCH) == sh(11, 25, 10)


# --------------------------------------------------------------------------- holidays and 调休


def test_before_national_day_resumes_after_the_week_off():
    # Wed Sep 30 17:50 → Oct 1–7 off → Thu Oct 8 09:20.
    assert due_at(sh(9, 30, 17, 50), minutes(30), CAL, DAY) == sh(10, 8, 9, 20)


def test_holiday_registration_waits_for_the_first_working_day():
    assert due_at(sh(10, 3, 10, 0), hours(2), CAL, DAY) == sh(10, 8, 11)


def test_makeup_saturday_is_worked():
    # Fri Oct 9 17:50 → Sat Oct 10 is a make-up working day (调休).
    assert due_at(sh(10, 9, 17, 50), minutes(30), CAL, DAY) == sh(10, 10, 9, 20)


def test_makeup_sunday_counts_within_the_day():
    assert due_at(sh(9, 20, 10, 0), minutes(30), CAL, DAY) == sh(9, 20, 10, 30)


def test_company_extra_holiday_is_skipped():
    cal = WorkCalendar(CalendarPolicy(extra_holidays=[date(2026, 11, 25)]),
                       DatesTable(OfficialDates(years={2026: NATIONAL_DAY})))  # fmt: skip
    assert due_at(sh(11, 24, 17, 50), minutes(30), cal, DAY) == sh(11, 26, 9, 20)


# --------------------------------------------------------------------------- working days unchanged


def test_working_days_are_the_calendars_cutoffs():
    for start in (sh(11, 24, 10), sh(11, 24, 19), sh(9, 30, 17, 50), sh(10, 9, 20)):
        for n in (0, 1, 3):
            assert due_at(start, Duration(working_days=n), CAL, DAY) == CAL.add_working_days(start, n)


def test_policy_sla_in_days_keeps_its_deadline():
    sla = ProjectPolicy().sla("assessment")
    assert (sla.working_days, sla.working_hours, sla.minutes) == (3, None, None)
    assert due_at(sh(11, 23, 10), sla, CAL, DAY) == sh(11, 26, 18)


# --------------------------------------------------------------------------- lateness


def test_working_minutes_between_skips_nights_and_holidays():
    assert working_minutes_between(sh(11, 24, 17, 50), sh(11, 25, 9, 20), CAL, DAY) == 30
    assert working_minutes_between(sh(9, 30, 17, 0), sh(10, 8, 10, 0), CAL, DAY) == 120
    assert working_minutes_between(sh(11, 24, 11, 0), sh(11, 24, 14, 0), CAL, LUNCH) == 120
    assert working_minutes_between(sh(11, 24, 14, 0), sh(11, 24, 11, 0), CAL, DAY) == 0


def test_minutes_and_lateness_agree():
    start = sh(11, 27, 16, 40)
    for n in (0, 1, 59, 80, 81, 600, 5000):
        assert working_minutes_between(start, add_working_minutes(start, n, CAL, LUNCH), CAL, LUNCH) == n


# --------------------------------------------------------------------------- the policy's shape


def test_policy_accepts_every_shape():
    lunch = {"lunch_start": "12:00", "lunch_end": "13:00"}
    policy = ProjectPolicy.model_validate({"calendar": {"working_hours": lunch},
                                           "slas": {"complaint_first_reply": {"minutes": 30},
                                                    "revisit": {"working_hours": 2}}})  # fmt: skip
    assert policy.sla("complaint_first_reply").minutes == 30
    assert policy.sla("revisit").working_hours == 2
    assert policy.sla("assessment").working_days == 3
    assert policy.calendar.working_hours == LUNCH
    again = ProjectPolicy.model_validate_json(policy.model_dump_json())
    assert again == policy


def test_old_policy_json_reads_the_same():
    old = '{"slas": {"assessment": {"working_days": 2, "chain": [{"action": "remind"}]}}}'
    assert ProjectPolicy.model_validate_json(old).sla("assessment").working_days == 2
    assert ProjectPolicy.model_validate_json(old).calendar.working_hours == DAY


@pytest.mark.parametrize("bad", [
    {}, {"minutes": 30, "working_hours": 1}, {"working_days": 2, "minutes": 30}, {"minutes": -1},
    {"working_hours": 2001},
])  # fmt: skip
def test_an_sla_has_exactly_one_unit(bad):
    with pytest.raises(ValidationError):
        SlaPolicy.model_validate(bad)


@pytest.mark.parametrize("bad", [
    {"start": "18:00", "end": "09:00"}, {"lunch_start": "12:00"},
    {"lunch_start": "08:00", "lunch_end": "10:00"}, {"lunch_start": "13:00", "lunch_end": "12:00"},
])  # fmt: skip
def test_working_hours_must_make_sense(bad):
    with pytest.raises(ValidationError):
        WorkingHours.model_validate(bad)


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="naive"):
        due_at(datetime(2026, 11, 24, 10), minutes(30), CAL, DAY)
