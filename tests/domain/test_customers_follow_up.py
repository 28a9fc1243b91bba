"""Follow-up cadence by grade, reminder, escalation, pool and claim (domain/customers_follow_up.py),
on a literal calendar: National Day 2026 off Oct 1–7 (weekdays 1, 2, 5, 6, 7), 调休 Sat Oct 10."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain import customers_follow_up as f
from domain.calendar import DatesTable, OfficialDates, WorkCalendar, YearDates
from domain.customers_policy import Cadence, CustomerPolicy, Grade
from domain.errors import WrongStage
from domain.models import Actor, Role
from domain.policy import CalendarPolicy, ProjectPolicy
from domain.sla import WorkingHours
from domain.steps import Context

SH = ZoneInfo("Asia/Shanghai")
DATES = OfficialDates(years={2026: YearDates(
    holidays=[date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)],
    workdays=[date(2026, 9, 20), date(2026, 10, 10)])})  # fmt: skip
CAL = WorkCalendar(CalendarPolicy(), DatesTable(DATES))
POLICY = ProjectPolicy()
AGENT = Actor(user_id="u-li", name="li", role=Role.agent, department="sales")


def sh(m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=SH)


def ctx(at: datetime) -> Context:
    return Context(at, CAL, POLICY)


def started(grade: Grade, at: datetime) -> f.CustomerState:
    start = f.CustomerStart(customer_id="c1", department="sales", grade=grade, since=at, calendar=DATES)
    return f.start(start, ctx(at)).state


def due(state: f.CustomerState) -> datetime:
    assert state.follow_up is not None
    return state.follow_up.due_at.astimezone(SH)


@pytest.mark.parametrize(("grade", "expected"), [
    (Grade.A, sh(11, 25, 18)),   # Mon + 2 working days
    (Grade.B, sh(11, 30, 18)),   # a week later
    (Grade.C, sh(12, 7, 18)),    # two weeks later
    (Grade.D, sh(12, 23, 18)),   # 30 days later
])  # fmt: skip
def test_cadence_by_grade(grade, expected):
    assert due(started(grade, sh(11, 23))) == expected


def test_calendar_days_falling_on_a_holiday_move_to_the_next_working_day():
    # B from Thu Sep 24: a week later is Oct 1 (holiday) → Thu Oct 8.
    assert due(started(Grade.B, sh(9, 24))) == sh(10, 8, 18)


def test_a_grade_over_national_day_uses_the_makeup_saturday():
    # A on Wed Sep 30: 2 working days → Thu Oct 8, Fri Oct 9.
    assert due(started(Grade.A, sh(9, 30))) == sh(10, 9, 18)
    assert due(started(Grade.A, sh(10, 8))) == sh(10, 10, 18)  # Sat Oct 10 is worked


def test_unattended_a_customer_is_reminded_escalated_then_pooled():
    s = started(Grade.A, sh(11, 23))  # due Wed Nov 25 18:00
    times = f.step_times(s.follow_up, POLICY.customers.cadence[Grade.A], CAL)
    assert [t.astimezone(SH) for t in times] == [sh(11, 25, 18), sh(11, 26, 18), sh(11, 30, 18)]
    assert f.next_due(s, ctx(sh(11, 23))) == times[0]

    out = f.tick(s, ctx(sh(11, 25, 18)))
    assert [x.kind for x in out.steps] == ["reminded"]
    assert [(n.key, n.to_role) for n in out.notices] == [("customer.follow_up.reminder", Role.agent)]
    out = f.tick(out.state, ctx(sh(11, 26, 18)))
    assert [x.kind for x in out.steps] == ["escalated"]
    assert out.notices[0].to_role == Role.dept_head
    out = f.tick(out.state, ctx(sh(11, 30, 18)))
    assert [x.kind for x in out.steps] == ["pooled"]
    assert out.state.status == f.CustomerStatus.pooled
    assert f.next_due(out.state, ctx(sh(11, 30, 18))) is None
    assert out.state.read_view()["stage"] == "pooled"


def test_a_late_tick_fires_every_step_due():
    out = f.tick(started(Grade.A, sh(11, 23)), ctx(sh(12, 10)))
    assert [x.kind for x in out.steps] == ["reminded", "escalated", "pooled"]


def test_nothing_fires_early():
    out = f.tick(started(Grade.A, sh(11, 23)), ctx(sh(11, 25, 17, 59)))
    assert out.steps == [] and out.notices == []


def test_a_follow_up_restarts_the_cadence_and_may_regrade():
    s = f.tick(started(Grade.A, sh(11, 23)), ctx(sh(11, 25, 18))).state
    cmd = f.FollowedUp(actor=AGENT, follow_up_id="f1", way=f.Way.call, happened_at=sh(11, 26, 9), grade=Grade.C)
    out = f.follow_up(s, cmd, ctx(sh(11, 26, 9, 5)))
    assert out.state.grade == Grade.C and out.state.follow_up.steps_done == 0
    assert due(out.state) == sh(12, 10, 18)
    assert out.steps[0].data == {"follow_up_id": "f1", "way": "call", "grade": "C",
                                 "due_at": out.state.follow_up.due_at.isoformat()}


def test_next_on_earlier_than_the_cadence_wins_later_does_not():
    s = started(Grade.C, sh(11, 23))
    early = f.FollowedUp(actor=AGENT, follow_up_id="f1", way=f.Way.visit, happened_at=sh(11, 23),
                         next_on=date(2026, 11, 26))
    assert due(f.follow_up(s, early, ctx(sh(11, 23, 11))).state) == sh(11, 26, 18)
    late = early.model_copy(update={"next_on": date(2027, 1, 30)})
    assert due(f.follow_up(s, late, ctx(sh(11, 23, 11))).state) == sh(12, 7, 18)


def test_a_pooled_customer_is_claimed_before_its_follow_up():
    pooled = f.tick(started(Grade.A, sh(11, 23)), ctx(sh(12, 10))).state
    cmd = f.FollowedUp(actor=AGENT, follow_up_id="f1", way=f.Way.call, happened_at=sh(12, 10))
    with pytest.raises(WrongStage):
        f.check_follow_up(pooled, cmd)
    out = f.claim(pooled, f.Claim(actor=AGENT), ctx(sh(12, 10)))
    assert out.state.status == f.CustomerStatus.active and due(out.state) == sh(12, 14, 18)
    assert out.notices[0].to_user_id == "u-li"
    with pytest.raises(WrongStage):
        f.check_claim(out.state)


def test_state_holds_no_personal_data():
    s = started(Grade.A, sh(11, 23))
    assert set(s.model_dump()) >= {"customer_id", "department", "grade"}
    assert not {"name", "phone", "email", "content"} & set(s.model_dump())


# --------------------------------------------------------------------------- timeliness


def test_a_visit_is_registered_within_thirty_working_minutes():
    hours, sla = WorkingHours(), POLICY.sla("visit_registration")
    assert sla.minutes == 30  # the policy's default
    assert f.entered_on_time(f.Way.visit, sh(11, 24, 17, 50), sh(11, 25, 9, 20), CAL, sla, hours)
    assert not f.entered_on_time(f.Way.visit, sh(11, 24, 17, 50), sh(11, 25, 9, 21), CAL, sla, hours)
    assert not f.entered_on_time(f.Way.visit, sh(11, 24, 10), sh(11, 24, 10, 31), CAL, sla, hours)


def test_visit_registration_is_an_sla_in_hours_or_minutes():
    hours = WorkingHours()
    two_hours = ProjectPolicy.model_validate({"slas": {"visit_registration": {"working_hours": 2}}})
    sla = two_hours.sla("visit_registration")
    # A visit at 17:00 on Wednesday Sept 30, before National Day: due 10:00 on Thursday Oct 8.
    assert f.entered_on_time(f.Way.visit, sh(9, 30, 17), sh(10, 8, 10), CAL, sla, hours)
    assert not f.entered_on_time(f.Way.visit, sh(9, 30, 17), sh(10, 8, 10, 1), CAL, sla, hours)
    # The older `customers.visit_registration_minutes` still sets it; an SLA given wins.
    older = ProjectPolicy.model_validate({"customers": {"visit_registration_minutes": 45}})
    assert older.sla("visit_registration").minutes == 45
    both = ProjectPolicy.model_validate({"customers": {"visit_registration_minutes": 45},
                                         "slas": {"visit_registration": {"minutes": 10}}})  # fmt: skip
    assert both.sla("visit_registration").minutes == 10


def test_other_contacts_are_entered_the_same_working_day():
    hours, sla = WorkingHours(), POLICY.sla("visit_registration")
    assert f.entered_on_time(f.Way.call, sh(11, 24, 10), sh(11, 24, 17, 59), CAL, sla, hours)
    assert not f.entered_on_time(f.Way.call, sh(11, 24, 10), sh(11, 25, 9), CAL, sla, hours)
    # A Saturday call entered on Monday morning counts for Monday.
    assert f.entered_on_time(f.Way.wechat, sh(11, 28, 10), sh(11, 30, 9), CAL, sla, hours)


def test_cadence_policy_must_make_sense():
    with pytest.raises(ValueError):
        Cadence(working_days=2, days=7)
    with pytest.raises(ValueError):
        Cadence(working_days=2, escalate_after_working_days=3, pool_after_working_days=1)
    custom = CustomerPolicy.model_validate({"cadence": {"A": {"working_days": 1}}})
    assert custom.cadence[Grade.A].working_days == 1 and custom.cadence[Grade.D].days == 30
