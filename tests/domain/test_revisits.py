"""The revisit rules (RULES §lifecycle 11 回访), one test per rule, with literal dates."""

from __future__ import annotations

import pytest

from domain import revisits
from domain.errors import AlreadyDecided, Forbidden
from domain.models import Actor, Role
from domain.policy import ProjectPolicy, RevisitPolicy
from domain.service_models import RevisitStatus
from tests.domain.lifecycle_data import AGENT, HEAD, at, ctx
from tests.domain.lifecycle_data import utc_due as due
from tests.domain.service_data import WED_SEP_30, kinds, notices, revisit, revisited


def opened():  # type: ignore[no-untyped-def]
    s = revisits.schedule(revisit(), ctx(WED_SEP_30)).state
    return revisits.tick(s, ctx(due(2026, 10, 10))).state


def test_a_completed_project_schedules_its_revisit_three_working_days_later():
    out = revisits.schedule(revisit(), ctx(WED_SEP_30))
    s = out.state
    assert s.opens_at == due(2026, 10, 10)  # Oct 8, 9 and the make-up Saturday Oct 10
    assert (s.status, s.task) == (RevisitStatus.scheduled, None)
    assert kinds(out) == ["revisit_scheduled"] and not out.notices
    assert revisits.next_due(s, ctx(WED_SEP_30)) == due(2026, 10, 10)


def test_the_number_of_working_days_is_the_policys():
    policy = ProjectPolicy(revisit=RevisitPolicy(after_working_days=1))
    s = revisits.schedule(revisit(at(2026, 9, 24, 11)), ctx(at(2026, 9, 24, 11), policy)).state
    assert s.opens_at == due(2026, 9, 28)  # Thu 24 → Fri 25 off, the weekend → Mon 28


def test_nothing_opens_before_its_day():
    s = revisits.schedule(revisit(), ctx(WED_SEP_30)).state
    out = revisits.tick(s, ctx(at(2026, 10, 10, 17)))
    assert kinds(out) == [] and out.state.status == RevisitStatus.scheduled


def test_the_task_opens_for_the_agent_due_five_working_days_later():
    s = revisits.schedule(revisit(), ctx(WED_SEP_30)).state
    out = revisits.tick(s, ctx(due(2026, 10, 10)))
    task = out.state.task
    assert (out.state.status, task.role, task.user_id) == (RevisitStatus.open, Role.agent, AGENT.user_id)
    assert task.due_at == due(2026, 10, 16)  # Oct 12-16
    assert kinds(out) == ["revisit_opened"]
    assert notices(out) == [("notify.assigned.revisit", Role.agent, AGENT.user_id)]
    assert out.notices[0].params["project_id"] == "flat-001"


def test_a_revisit_sla_in_working_hours_counts_from_its_opening():
    policy = ProjectPolicy.model_validate({"slas": {"revisit": {"working_hours": 2}}})
    s = revisits.schedule(revisit(), ctx(WED_SEP_30, policy), sla_in_hours=True).state
    task = revisits.tick(s, ctx(due(2026, 10, 10), policy)).state.task
    assert task.due_at == at(2026, 10, 12, 11)  # opened at the make-up Saturday's 18:00: Monday 09:00 + 2 h
    # A revisit started before the patch keeps its old reading: working days only.
    old = revisits.schedule(revisit(), ctx(WED_SEP_30, policy)).state
    assert revisits.tick(old, ctx(due(2026, 10, 10), policy)).state.task.due_at == due(2026, 10, 10)


def test_a_missed_revisit_is_reminded_then_escalated_to_the_dept_head_and_the_executive():
    s = opened()
    out = revisits.tick(s, ctx(due(2026, 10, 16)))
    assert notices(out) == [("notify.reminder", Role.agent, AGENT.user_id)]
    out = revisits.tick(out.state, ctx(due(2026, 10, 19)))  # Monday: the weekend does not count
    assert notices(out) == [("notify.escalation", Role.dept_head, None)]
    out = revisits.tick(out.state, ctx(due(2026, 10, 20)))
    assert notices(out) == [("notify.escalation", Role.executive, None)]
    assert out.state.read_view()["escalations"] == 3 and out.state.is_overdue()
    assert revisits.next_due(out.state, ctx(due(2026, 10, 20))) is None


def test_the_agent_may_record_the_revisit_before_its_task_opens():
    scheduled = revisits.schedule(revisit(), ctx(WED_SEP_30)).state
    out = revisits.record(scheduled, revisited(), ctx(at(2026, 10, 9)))
    assert (out.state.status, out.state.opens_at, out.state.task) == (RevisitStatus.done, at(2026, 10, 9), None)
    assert revisits.next_due(out.state, ctx(at(2026, 10, 9))) is None and not out.notices


def test_only_the_assignee_records_the_revisit_and_only_once():
    s = opened()
    for who in (HEAD, Actor(user_id="u-other", name="Other", role=Role.agent, department="sales")):
        with pytest.raises(Forbidden):
            revisits.record(s, revisited(by=who), ctx(at(2026, 10, 12)))
    done = revisits.record(s, revisited(), ctx(at(2026, 10, 12))).state
    with pytest.raises(AlreadyDecided):
        revisits.record(done, revisited(), ctx(at(2026, 10, 12)))


def test_a_good_revisit_records_the_rating_and_suggestions_and_ends():
    out = revisits.record(opened(), revisited(5, AGENT, "Weekend viewings"), ctx(at(2026, 10, 12)))
    s = out.state
    assert (s.status, s.rating, s.done_at, s.waits()) == (RevisitStatus.done, 5, at(2026, 10, 12), [])
    assert kinds(out) == ["revisit_done", "rated"]
    assert out.steps[0].data["suggestions"] == ["Weekend viewings"] and out.steps[0].data["on_time"] is True
    assert out.steps[1].data == {"rating": 5, "source": "revisit", "source_id": "revisit-flat-001",
                                 "project_id": "flat-001", "agent_id": AGENT.user_id, "department": "sales"}
    assert not out.notices


def test_a_low_revisit_rating_raises_the_satisfaction_warning_for_agent_and_department():
    out = revisits.record(opened(), revisited(3), ctx(at(2026, 10, 19)))
    assert kinds(out) == ["revisit_done", "rated", "satisfaction_warning"]
    assert out.steps[0].data["on_time"] is False  # due Oct 16
    warning = out.steps[2].data
    assert (warning["agent_id"], warning["department"], warning["reasons"]) == (
        AGENT.user_id, "sales", ["satisfaction_score 60.0 < 80.0"])
    assert notices(out) == [("notify.satisfaction_warning", Role.dept_head, None)]
    assert out.notices[0].department == "sales"
