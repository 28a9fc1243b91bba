"""What operations may do to a running project, as pure rules with literal data."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from domain import lifecycle, operations
from domain.calendar import YearDates
from domain.commands import PublishCalendarCommand
from domain.errors import AlreadyDecided, Conflict, Forbidden, Invalid, NotFound
from domain.models import Actor, Gate, Role, Stage
from domain.operator_commands import ExtendDeadlineCommand, ExtendDeadlineIn, ReassignCommand, ReassignIn
from tests.domain.lifecycle_data import AGENT, BOSS, HEAD, OPS, assessment, ctx, decision, start, to_execution
from tests.domain.lifecycle_data import utc_due as due

DEPUTY = Actor(user_id="u-he", name="He Jun", role=Role.dept_head, department="sales")
LIU = Actor(user_id="u-liu", name="Liu Yang", role=Role.agent, department="sales")


def awaiting_initiation():
    s = lifecycle.intake(start(), ctx()).state
    return lifecycle.assess(s, assessment(), ctx()).state


def reassign(to: Actor, target: str = "pending", by: Actor = OPS) -> ReassignCommand:
    return ReassignCommand(actor=by, body=ReassignIn(target=target, to=to.name or "x", reason="on leave"), to=to)


def test_reassigned_approval_is_decided_by_the_new_assignee_only():
    out = operations.reassign(awaiting_initiation(), reassign(DEPUTY), ctx())
    s = out.state
    assert (s.pending.user_id, s.pending.user_name) == (DEPUTY.user_id, "He Jun")
    assert out.steps[0].data["previous"] == "dept_head@sales" and out.steps[0].actor == OPS
    assert out.notices[0].to_user_id == DEPUTY.user_id
    with pytest.raises(Forbidden, match="assigned to He Jun"):
        lifecycle.decide(s, decision(Gate.initiation, by=HEAD), ctx())
    assert lifecycle.decide(s, decision(Gate.initiation, by=DEPUTY), ctx()).state.stage == Stage.planning


def test_reassigned_agent_work_is_done_by_the_new_agent():
    s = operations.reassign(lifecycle.intake(start(), ctx()).state, reassign(LIU), ctx()).state
    cmd = assessment()
    cmd.actor = LIU
    assert lifecycle.assess(s, cmd, ctx()).state.stage == Stage.initiation_approval


def test_reassignment_is_for_operations_to_someone_of_the_same_role():
    s = awaiting_initiation()
    with pytest.raises(Forbidden):
        operations.reassign(s, reassign(DEPUTY, by=HEAD), ctx())
    with pytest.raises(Invalid, match="needs a dept_head"):
        operations.reassign(s, reassign(LIU), ctx())
    with pytest.raises(NotFound):
        operations.reassign(s, reassign(LIU, target="task:flat-001-t9"), ctx())


def test_a_customers_acceptance_cannot_be_reassigned():
    s = to_execution()
    s = lifecycle.submit_results(s, _results(), ctx()).state
    s = lifecycle.decide(s, decision(Gate.result_review), ctx()).state
    with pytest.raises(Conflict):
        operations.reassign(s, reassign(LIU), ctx())


def test_extending_a_deadline_counts_working_days_from_the_old_one_and_restarts_the_chain():
    s = awaiting_initiation()  # due Thu 2026-11-26
    s.pending.steps_done = 2
    cmd = ExtendDeadlineCommand(actor=OPS, body=ExtendDeadlineIn(target="pending", working_days=2, reason="trip"))
    out = operations.extend_deadline(s, cmd, ctx())
    assert out.state.pending.due_at == due(2026, 11, 30) and out.state.pending.steps_done == 0
    assert out.steps[0].data["previous_due_at"] == due(2026, 11, 26).astimezone(UTC).isoformat()
    with pytest.raises(Forbidden):
        operations.extend_deadline(s, ExtendDeadlineCommand(actor=BOSS, body=cmd.body), ctx())


def test_operations_decide_for_an_absent_approver_and_it_is_recorded_so():
    s = awaiting_initiation()
    out = lifecycle.decide(s, decision(Gate.initiation, by=OPS, on_behalf_of=HEAD), ctx())
    step = out.steps[0]
    assert (step.actor, step.data["on_behalf_of"]["user_id"], step.data["level"]) == (OPS, HEAD.user_id, "dept_head")
    assert out.state.stage == Stage.planning
    with pytest.raises(Forbidden):
        lifecycle.decide(s, decision(Gate.initiation, by=AGENT, on_behalf_of=HEAD), ctx())
    with pytest.raises(Forbidden):
        lifecycle.decide(s, decision(Gate.initiation, by=OPS), ctx())


def test_publishing_a_year_extends_the_projects_calendar_once():
    s = awaiting_initiation()
    y2027 = YearDates(holidays=[date(2027, 1, 1)], workdays=[date(2027, 2, 6)])
    cmd = PublishCalendarCommand(actor=OPS, year=2027, dates=y2027)
    out = operations.publish_calendar(s, cmd, ctx())
    assert out.state.calendar.years[2027] == y2027 and 2026 in out.state.calendar.years
    assert out.steps[0].kind == "calendar_published" and out.steps[0].data["year"] == 2027
    with pytest.raises(AlreadyDecided):
        operations.publish_calendar(out.state, cmd, ctx())
    with pytest.raises(Forbidden):
        operations.publish_calendar(s, PublishCalendarCommand(actor=HEAD, year=2027, dates=y2027), ctx())
    with pytest.raises(Invalid, match="outside 2027"):
        operations.publish_calendar(s, PublishCalendarCommand(actor=OPS, year=2027,
                                                              dates=YearDates(holidays=[date(2028, 1, 3)])), ctx())


def _results():
    from tests.domain.lifecycle_data import results

    return results()
