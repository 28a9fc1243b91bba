"""The complaint rules (RULES §Complaints and feedback), one test per rule, with literal dates."""

from __future__ import annotations

import pytest

from domain import complaints
from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Role
from domain.service_models import ComplaintStatus, ProjectAnswer
from tests.domain.lifecycle_data import AGENT, BOSS, CUSTOMER, HEAD, OPS, OTHER_HEAD, at, ctx
from tests.domain.lifecycle_data import utc_due as due
from tests.domain.service_data import complaint, confirmation, kinds, notices, reply

FILED = at(2026, 9, 30, 10)  # Wednesday, the day before National Day


def filed(**kw):  # type: ignore[no-untyped-def]
    return complaints.file(complaint(**kw), ctx(FILED)).state


def answered(**kw):  # type: ignore[no-untyped-def]
    return complaints.reply(filed(**kw), reply(resolved=True), ctx(at(2026, 10, 9))).state


def test_a_project_complaint_goes_to_its_dept_head_with_deadlines_across_national_day():
    out = complaints.file(complaint(), ctx(FILED))
    s = out.state
    assert (s.assignee_role, s.department, s.status) == (Role.dept_head, "sales", ComplaintStatus.open)
    assert s.first_reply.due_at == due(2026, 10, 8)  # Oct 1-7 off
    assert s.resolution.due_at == due(2026, 10, 13)  # Oct 8, 9, Sat 10 (make-up), 12, 13
    assert kinds(out) == ["filed"] and out.steps[0].actor == CUSTOMER
    assert notices(out) == [("notify.complaint.assigned", Role.dept_head, None)]
    assert out.notices[0].department == "sales" and out.notices[0].params["complaint_id"] == "c-001"


def test_a_complaint_without_a_project_goes_to_operations():
    out = complaints.file(complaint(project=False, by=OPS), ctx(FILED))
    assert (out.state.assignee_role, out.state.department) == (Role.operations, None)
    assert notices(out) == [("notify.complaint.assigned", Role.operations, None)]
    assert "project_id" not in out.notices[0].params


def test_a_complaint_filed_after_the_cut_off_counts_from_the_next_working_day():
    s = complaints.file(complaint(filed=at(2026, 9, 24, 19)), ctx(at(2026, 9, 24, 19))).state
    assert s.first_reply.due_at == due(2026, 9, 29)  # Fri 25 off, weekend, Mon 28 counts the day


def test_a_late_first_reply_is_reminded_then_escalated_to_the_executive():
    s = filed()
    assert complaints.next_due(s, ctx(FILED)) == due(2026, 10, 8)
    out = complaints.tick(s, ctx(due(2026, 10, 8)))
    assert kinds(out) == ["reminder"] and out.steps[0].data["what"] == "complaint_first_reply"
    assert notices(out) == [("notify.complaint.reminder", Role.dept_head, None)]
    assert out.state.read_view()["overdue"] is True
    out = complaints.tick(out.state, ctx(due(2026, 10, 9)))
    assert [(s.kind, s.data["to_role"]) for s in out.steps] == [("escalation", "executive")]
    assert notices(out) == [("notify.complaint.escalation", Role.executive, None)]
    out = complaints.tick(out.state, ctx(due(2026, 10, 10)))  # Saturday, a make-up working day
    assert [(s.kind, s.data["step"]) for s in out.steps] == [("escalation", 3)]
    assert complaints.next_due(out.state, ctx(due(2026, 10, 10))) == due(2026, 10, 13)  # the resolution's


def test_only_the_assignee_or_above_may_reply():
    s = filed()
    for who in (AGENT, OTHER_HEAD, CUSTOMER):
        with pytest.raises(Forbidden):
            complaints.reply(s, reply(by=who), ctx(at(2026, 10, 8)))
    for who in (HEAD, BOSS, OPS):
        assert complaints.reply(s, reply(by=who), ctx(at(2026, 10, 8))).state.replies == 1
    with pytest.raises(Forbidden):
        complaints.reply(filed(project=False), reply(by=HEAD), ctx(at(2026, 10, 8)))


def test_an_interim_reply_meets_the_first_reply_deadline_and_keeps_the_resolution_owed():
    out = complaints.reply(filed(), reply(), ctx(at(2026, 10, 8, 9)))
    s = out.state
    assert (s.status, s.first_reply, s.first_replied_at) == (ComplaintStatus.in_progress, None, at(2026, 10, 8, 9))
    assert s.resolution.due_at == due(2026, 10, 13)
    assert {k: out.steps[0].data[k] for k in ("first", "on_time", "answer")} == {"first": True, "on_time": True,
                                                                               "answer": False}
    assert notices(out) == [("notify.complaint.replied", Role.customer, CUSTOMER.user_id)]


def test_a_late_first_reply_is_recorded_as_late():
    out = complaints.reply(filed(), reply(), ctx(at(2026, 10, 9, 9)))
    assert out.steps[0].data["on_time"] is False
    later = complaints.reply(out.state, reply(), ctx(at(2026, 10, 9, 10)))
    assert later.steps[0].data["first"] is False and later.steps[0].data["on_time"] is None


def test_a_resolved_reply_is_the_answer_the_customer_confirms_in_five_working_days():
    out = complaints.reply(filed(), reply(resolved=True), ctx(at(2026, 10, 9)))  # Friday
    s = out.state
    assert (s.status, s.resolved, s.resolution) == (ComplaintStatus.answered, True, None)
    assert s.answered_at == at(2026, 10, 9)
    assert (s.confirmation.role, s.confirmation.user_id) == (Role.customer, CUSTOMER.user_id)
    assert s.confirmation.due_at == due(2026, 10, 15)  # Sat 10 (make-up), 12, 13, 14, 15
    assert notices(out) == [("notify.complaint.answered", Role.customer, CUSTOMER.user_id)]


def test_what_could_not_be_solved_is_explained_and_recorded_as_the_answer():
    out = complaints.reply(filed(), reply(reason="The seller refuses to repaint"), ctx(at(2026, 10, 9)))
    assert (out.state.status, out.state.resolved) == (ComplaintStatus.answered, False)
    assert out.steps[0].data["unresolved_reason"] == "The seller refuses to repaint"


def test_without_a_customer_account_the_assignee_confirms_for_the_customer():
    out = complaints.reply(filed(customer=False, by=AGENT), reply(resolved=True), ctx(at(2026, 10, 9)))
    assert (out.state.confirmation.role, out.state.confirmation.department) == (Role.dept_head, "sales")
    assert notices(out) == [("notify.complaint.confirm_for_customer", Role.dept_head, None)]


def test_an_answered_or_closed_complaint_takes_no_reply():
    s = answered()
    with pytest.raises(WrongStage):
        complaints.reply(s, reply(), ctx(at(2026, 10, 12)))
    closed = complaints.confirm(s, confirmation(), ctx(at(2026, 10, 12))).state
    with pytest.raises(WrongStage):
        complaints.reply(closed, reply(), ctx(at(2026, 10, 12)))


def test_rectification_needs_a_project():
    with pytest.raises(Invalid):
        complaints.reply(filed(project=False), reply(rectification=("refund",), by=OPS), ctx(at(2026, 10, 8)))
    out = complaints.reply(filed(), reply(rectification=("refund", "apologise")), ctx(at(2026, 10, 8)))
    assert out.steps[0].data["rectification"] == ["refund", "apologise"]


def test_what_the_project_did_with_the_rectification_is_recorded():
    s = filed()
    out = complaints.tasks_result(s, ProjectAnswer(applied=True, task_ids=["flat-001-t1"]), 2, ctx(at(2026, 10, 8)))
    assert kinds(out) == ["tasks_opened"] and out.steps[0].data["task_ids"] == ["flat-001-t1"]
    out = complaints.tasks_result(s, ProjectAnswer(applied=False, reason="project flat-001 is already completed"), 2,
                                  ctx(at(2026, 10, 8)))  # fmt: skip
    assert kinds(out) == ["tasks_not_opened"] and out.steps[0].comment == "project flat-001 is already completed"


def test_a_satisfied_confirmation_closes_the_complaint():
    out = complaints.confirm(answered(), confirmation(rating=5, suggestions=("Call earlier",)), ctx(at(2026, 10, 12)))
    s = out.state
    assert (s.status, s.closed_at, s.rating, s.confirmation) == (ComplaintStatus.closed, at(2026, 10, 12), 5, None)
    assert kinds(out) == ["confirmed", "closed"]
    assert out.steps[0].data["suggestions"] == ["Call earlier"] and out.steps[0].data["on_behalf"] is False


def test_an_unsatisfied_confirmation_reopens_a_second_round_with_a_new_resolution_deadline():
    out = complaints.confirm(answered(), confirmation(satisfied=False, rating=2), ctx(at(2026, 10, 12)))
    s = out.state
    assert (s.status, s.round, s.resolved) == (ComplaintStatus.in_progress, 2, None)
    assert s.resolution.due_at == s.resolution_due_at == due(2026, 10, 19)  # Oct 13, 14, 15, 16, 19
    assert kinds(out) == ["confirmed", "reopened"]
    assert notices(out) == [("notify.complaint.reopened", Role.dept_head, None)]
    again = complaints.reply(s, reply(resolved=True), ctx(at(2026, 10, 13)))
    assert again.state.status == ComplaintStatus.answered and again.steps[0].data["round"] == 2


def test_the_customer_or_staff_on_their_behalf_confirm_and_nobody_else():
    s = answered()
    from domain.models import Actor

    for who in (Actor(user_id="u-other", role=Role.customer), AGENT, OTHER_HEAD):
        with pytest.raises(Forbidden):
            complaints.confirm(s, confirmation(by=who), ctx(at(2026, 10, 12)))
    out = complaints.confirm(s, confirmation(by=HEAD), ctx(at(2026, 10, 12)))
    assert out.steps[0].data["on_behalf"] is True and out.steps[0].actor == HEAD


def test_nothing_to_confirm_before_the_answer():
    with pytest.raises(WrongStage):
        complaints.confirm(filed(), confirmation(), ctx(at(2026, 10, 8)))


def test_a_silent_customer_is_reminded_then_chased_by_the_assignee_then_the_executive():
    s = answered()  # confirmation due Thu Oct 15
    out = complaints.tick(s, ctx(due(2026, 10, 15)))
    assert notices(out) == [("notify.complaint.reminder", Role.customer, CUSTOMER.user_id)]
    out = complaints.tick(out.state, ctx(due(2026, 10, 16)))
    assert notices(out) == [("notify.complaint.escalation", Role.dept_head, None)]
    out = complaints.tick(out.state, ctx(due(2026, 10, 19)))  # the weekend between
    assert notices(out) == [("notify.complaint.escalation", Role.executive, None)]
    assert out.steps[0].data["assignee"] == "customer"


def test_a_running_project_takes_the_rating_itself():
    s = complaints.confirm(answered(), confirmation(rating=2), ctx(at(2026, 10, 12))).state
    out = complaints.rating_routed(s, ProjectAnswer(applied=True), CUSTOMER, ctx(at(2026, 10, 12)))
    assert kinds(out) == ["rating_sent"] and not out.notices


def test_a_low_rating_on_a_finished_project_raises_the_satisfaction_warning_for_agent_and_department():
    s = complaints.confirm(answered(), confirmation(rating=2), ctx(at(2026, 10, 12))).state
    out = complaints.rating_routed(s, ProjectAnswer(applied=False, reason="completed"), CUSTOMER, ctx(at(2026, 10, 12)))
    assert kinds(out) == ["rated", "satisfaction_warning"]
    warning = out.steps[1].data
    assert (warning["agent_id"], warning["department"], warning["source"]) == (AGENT.user_id, "sales", "complaint")
    assert warning["reasons"] == ["satisfaction_score 40.0 < 80.0"]
    assert notices(out) == [("notify.satisfaction_warning", Role.dept_head, None)]


def test_a_good_rating_is_recorded_without_a_warning():
    s = complaints.confirm(answered(), confirmation(rating=4), ctx(at(2026, 10, 12))).state
    out = complaints.rating_routed(s, None, CUSTOMER, ctx(at(2026, 10, 12)))
    assert kinds(out) == ["rated"] and out.steps[0].data["rating"] == 4 and not out.notices


def test_a_low_rating_without_a_project_warns_operations():
    s = complaints.reply(filed(project=False, customer=False, by=OPS), reply(resolved=True, by=OPS),
                         ctx(at(2026, 10, 9))).state  # fmt: skip
    s = complaints.confirm(s, confirmation(rating=3, by=OPS), ctx(at(2026, 10, 12))).state
    out = complaints.rating_routed(s, None, OPS, ctx(at(2026, 10, 12)))
    assert out.steps[1].data["reasons"] == ["satisfaction_score 60.0 < 80.0"]
    assert notices(out) == [("notify.satisfaction_warning", Role.operations, None)]
