"""A consultation registered for its owner by someone else is answered first within the SLA
`consultation_first_response` (domain/customers_follow_up.py rule 4; 003 4.1), counted in
working minutes — across the evening, lunch and National Day 2026 (Oct 1–7 off, 调休 Sat
Oct 10) — on literal data."""

from __future__ import annotations

from datetime import datetime, time

from domain import customers_follow_up as f
from domain.customers_policy import Grade
from domain.policy import CalendarPolicy, ProjectPolicy
from domain.sla import WorkingHours
from domain.steps import Context
from tests.domain.test_customers_follow_up import AGENT, CAL, DATES, POLICY, SH, due, sh

LUNCH = ProjectPolicy(calendar=CalendarPolicy(working_hours=WorkingHours(lunch_start=time(12), lunch_end=time(13))))


def consultation(at: datetime, grade: Grade = Grade.A, policy: ProjectPolicy = POLICY,
                 first: bool = True) -> f.CustomerOutcome:  # fmt: skip
    start = f.CustomerStart(customer_id="c1", department="sales", grade=grade, since=at, calendar=DATES,
                            first_response=first)  # fmt: skip
    return f.start(start, Context(at, CAL, policy))


def test_thirty_working_minutes_cross_the_evening_and_the_weekend():
    out = consultation(sh(11, 27, 17, 50))  # Friday 17:50: 10 minutes that day, 20 on Monday
    assert due(out.state) == sh(11, 30, 9, 20)
    assert out.state.follow_up.sla == f.FIRST_RESPONSE
    assert out.steps[0].kind == "following"
    assert out.steps[0].data == {"grade": "A", "due_at": out.state.follow_up.due_at.isoformat(),
                                 "sla": "consultation_first_response"}
    assert out.state.read_view()["stage"] == "first_response"


def test_lunch_is_not_counted_when_the_policy_has_one():
    assert due(consultation(sh(11, 24, 11, 50)).state) == sh(11, 24, 12, 20)
    assert due(consultation(sh(11, 24, 11, 50), policy=LUNCH).state) == sh(11, 24, 13, 20)


def test_national_day_is_skipped():
    # Wed Sep 30 17:45: 15 minutes that day; Oct 1–7 off; Thu Oct 8 09:15.
    assert due(consultation(sh(9, 30, 17, 45)).state) == sh(10, 8, 9, 15)


def test_an_owner_registering_their_own_customer_owes_the_grade_cadence():
    out = consultation(sh(11, 27, 17, 50), first=False)
    assert due(out.state) == sh(12, 1, 18) and out.state.follow_up.sla == f.SLA
    assert "sla" not in out.steps[0].data and out.state.read_view()["stage"] == "due"


def test_missed_it_is_reminded_then_escalated_and_pooled_by_the_grade():
    s = consultation(sh(11, 24, 10)).state  # due Tue 10:30
    times = f.step_times(s.follow_up, POLICY.customers.cadence[Grade.A], CAL)
    assert [t.astimezone(SH) for t in times] == [sh(11, 24, 10, 30), sh(11, 25, 18), sh(11, 27, 18)]
    out = f.tick(s, Context(sh(11, 24, 10, 30), CAL, POLICY))
    assert [x.kind for x in out.steps] == ["reminded"]
    assert [(n.key, n.to_role) for n in out.notices] == [("customer.follow_up.reminder", f.Role.agent)]
    assert out.state.read_view()["stage"] == "reminded"


def test_the_first_contact_ends_it_and_the_cadence_begins():
    s = consultation(sh(11, 24, 10)).state
    cmd = f.FollowedUp(actor=AGENT, follow_up_id="f1", way=f.Way.call, happened_at=sh(11, 24, 10, 20))
    out = f.follow_up(s, cmd, Context(sh(11, 24, 10, 21), CAL, POLICY))
    assert out.state.follow_up.sla == f.SLA and due(out.state) == sh(11, 26, 18)
    assert out.state.read_view()["stage"] == "due"


def test_a_new_grade_before_the_first_contact_keeps_its_deadline():
    s = consultation(sh(11, 24, 10)).state
    out = f.regrade(s, f.Regrade(actor=AGENT, grade=Grade.C), Context(sh(11, 24, 10, 5), CAL, POLICY))
    assert out.state.grade == Grade.C and due(out.state) == sh(11, 24, 10, 30)
    assert out.state.follow_up.sla == f.FIRST_RESPONSE


def test_a_longer_sla_than_the_cadence_leaves_the_cadence():
    slow = ProjectPolicy(slas={"consultation_first_response": {"working_days": 5}})
    out = consultation(sh(11, 23), policy=slow)  # A: Wed Nov 25 18:00 comes first
    assert due(out.state) == sh(11, 25, 18) and out.state.follow_up.sla == f.SLA
