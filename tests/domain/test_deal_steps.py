"""A deal as steps (domain/deal_steps.py) with literal data: recorded by the project's agent
with its parts in fen, the dept head's confirmation due 2 working days later (a weekend and
National Day 2026 in between), reminded, escalated, confirmed once."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain import deal_steps as d
from domain.calendar import DatesTable, OfficialDates, WorkCalendar, YearDates
from domain.deal_facts import PartFen
from domain.deals import parts
from domain.errors import AlreadyDecided, Conflict, Forbidden, Invalid, NotFound
from domain.models import Actor, Role
from domain.policy import CalendarPolicy, ProjectPolicy
from domain.steps import Context

SH = ZoneInfo("Asia/Shanghai")
DATES = OfficialDates(years={2026: YearDates(
    holidays=[date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)],
    workdays=[date(2026, 9, 20), date(2026, 10, 10)])})  # fmt: skip
CAL = WorkCalendar(CalendarPolicy(), DatesTable(DATES))
POLICY = ProjectPolicy()
AGENT = Actor(user_id="u-wang", name="wang", role=Role.agent, department="sales")
HEAD = Actor(user_id="u-li", name="li", role=Role.dept_head, department="sales")
PARTS = [PartFen(agent_id="u-wang", share="70", value_fen=87_500_000, commission_fen=1_750_000),
         PartFen(agent_id="u-zhao", share="30", value_fen=37_500_000, commission_fen=750_000)]  # fmt: skip


def sh(m: int, d_: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(2026, m, d_, hh, mm, tzinfo=SH)


def ctx(at: datetime) -> Context:
    return Context(at, CAL, POLICY)


def started(at: datetime) -> d.DealState:
    start = d.DealStart(project_id="p1", department="sales", agent_id="u-wang", since=at, calendar=DATES)
    return d.start(start, ctx(at)).state


def recorded(at: datetime) -> d.DealOutcome:
    cmd = d.RecordDeal(actor=AGENT, deal_date=date(2026, 9, 28), value_fen=125_000_000, commission_fen=2_500_000,
                       parts=PARTS)  # fmt: skip
    return d.record(started(at), cmd, ctx(at))


def test_parts_in_fen_add_up_to_the_deal():
    # 1000.01 and 0.03 halved: 500.005 and 0.015 each, rounded down; the remaining fen to the first agent
    split = d.parts_in_fen(parts(Decimal("1000.01"), Decimal("0.03"), [("a", Decimal("50")), ("b", Decimal("50"))]))
    assert [(p.agent_id, p.share, p.value_fen, p.commission_fen) for p in split] == [
        ("a", "50", 50_001, 2), ("b", "50", 50_000, 1)]
    assert d.yuan(33_334) == Decimal("333.34") and d.fen(Decimal("1250000.00")) == 125_000_000


def test_nothing_is_recorded_before_the_record():
    state = started(sh(9, 28))
    assert state.status == d.DealStatus.none and state.read_view() == {} and state.waits() == []
    assert d.next_due(state, ctx(sh(9, 28))) is None


def test_the_record_opens_the_confirmation_due_two_working_days_later():
    out = recorded(sh(9, 29, 15))  # Tue: Wed Sep 30, then Oct 1–7 off, Thu Oct 8
    s = out.state
    assert s.status == d.DealStatus.recorded and s.seq == 1
    assert s.confirmation is not None and s.confirmation.due_at == sh(10, 8, 18)
    assert [(x.kind, x.actor) for x in out.steps] == [("deal_recorded", AGENT)]
    assert out.steps[0].data == {"deal_date": "2026-09-28", "value_fen": 125_000_000, "commission_fen": 2_500_000,
                                 "parts": [p.model_dump() for p in PARTS], "due_at": "2026-10-08T10:00:00+00:00"}
    assert [(n.key, n.to_role, n.to_user_id, n.department) for n in out.notices] == [
        ("notify.assigned.deal", Role.dept_head, None, "sales")]
    assert s.read_view() == {"status": "recorded", "due_at": "2026-10-08T10:00:00+00:00", "escalations": 0,
                             "overdue": False, "confirmed_at": None, "confirmed_by": None}


def test_a_deal_is_recorded_once_by_the_projects_agent():
    s = recorded(sh(9, 29)).state
    with pytest.raises(Conflict) as err:
        d.check_record(s, d.RecordDeal(actor=AGENT, deal_date=date(2026, 9, 28), value_fen=1, commission_fen=0,
                                       parts=[PartFen(agent_id="u-wang", share="100", value_fen=1, commission_fen=0)]))
    assert err.value.key == "deal_exists"
    other = Actor(user_id="u-zhao", name="zhao", role=Role.agent, department="sales")
    cmd = d.RecordDeal(actor=other, deal_date=date(2026, 9, 28), value_fen=1, commission_fen=0,
                       parts=[PartFen(agent_id="u-zhao", share="100", value_fen=1, commission_fen=0)])
    with pytest.raises(Forbidden):
        d.check_record(started(sh(9, 29)), cmd)
    short = cmd.model_copy(update={"actor": AGENT, "value_fen": 2})
    with pytest.raises(Invalid) as bad:
        d.check_record(started(sh(9, 29)), short)
    assert bad.value.key == "deal_parts"


def test_unconfirmed_it_is_reminded_then_escalated_up_the_ladder():
    s = recorded(sh(9, 29, 15)).state
    assert d.next_due(s, ctx(sh(9, 30))) == sh(10, 8, 18)
    assert d.tick(s, ctx(sh(10, 8, 17))).steps == []  # not due yet
    reminded = d.tick(s, ctx(sh(10, 8, 18)))
    assert [x.kind for x in reminded.steps] == ["reminder"]
    assert [(n.key, n.to_role) for n in reminded.notices] == [("notify.reminder", Role.dept_head)]
    assert reminded.steps[0].data["what"] == "deal" and reminded.state.read_view()["overdue"] is True
    # the chain: escalate one level up a working day later (Fri Oct 9), two levels up after two (Sat Oct 10, 调休)
    s = reminded.state
    assert d.next_due(s, ctx(sh(10, 8, 19))) == sh(10, 9, 18)
    escalated = d.tick(s, ctx(sh(10, 9, 18)))
    assert [(x.kind, x.data["to_role"]) for x in escalated.steps] == [("escalation", "executive")]
    assert [(n.key, n.to_role) for n in escalated.notices] == [("notify.escalation", Role.executive)]
    assert d.next_due(escalated.state, ctx(sh(10, 9, 19))) == sh(10, 10, 18)
    assert escalated.state.read_view()["escalations"] == 2


def test_the_projects_dept_head_confirms_it_once():
    s = recorded(sh(9, 29, 15)).state
    other_head = Actor(user_id="u-qian", name="qian", role=Role.dept_head, department="lease")
    with pytest.raises(Forbidden):
        d.check_confirm(s, d.ConfirmDeal(actor=other_head))
    with pytest.raises(Forbidden):
        d.check_confirm(s, d.ConfirmDeal(actor=AGENT))
    with pytest.raises(NotFound):
        d.check_confirm(started(sh(9, 29)), d.ConfirmDeal(actor=HEAD))
    done = d.confirm(s, d.ConfirmDeal(actor=HEAD), ctx(sh(10, 9, 9)))  # after the deadline
    assert [(x.kind, x.data, x.actor) for x in done.steps] == [("deal_confirmed", {"on_time": False}, HEAD)]
    assert done.state.waits() == [] and d.next_due(done.state, ctx(sh(10, 9, 9))) is None
    assert done.state.read_view() == {"status": "confirmed", "due_at": None, "escalations": 0, "overdue": False,
                                      "confirmed_at": "2026-10-09T09:00:00+08:00", "confirmed_by": "u-li"}
    with pytest.raises(AlreadyDecided) as err:
        d.confirm(done.state, d.ConfirmDeal(actor=HEAD), ctx(sh(10, 9, 10)))
    assert err.value.key == "deal_confirmed"
