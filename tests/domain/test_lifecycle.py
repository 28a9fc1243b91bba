"""The lifecycle rules (RULES §lifecycle), one test per rule, with literal data and no Temporal."""

from __future__ import annotations

from datetime import date

import pytest

from domain import lifecycle, rectification
from domain.errors import AlreadyDecided, Conflict, Forbidden, Invalid, WrongStage
from domain.models import Decision, Gate, Level, Role, Stage, TaskSource
from domain.steps import ArchiveOut
from tests.domain.lifecycle_data import (
    AGENT,
    BOSS,
    CUSTOMER,
    HEAD,
    MONDAY,
    OPS,
    OTHER_HEAD,
    accept,
    assessment,
    at,
    complete,
    ctx,
    decision,
    kinds,
    objection,
    plan,
    report,
    results,
    start,
    to_execution,
)
from tests.domain.lifecycle_data import utc_due as due


def assessed(risk: Level = Level.low, budget: str = "100000"):
    s = lifecycle.intake(start(), ctx()).state
    return lifecycle.assess(s, assessment(risk, budget), ctx()).state


def test_intake_waits_on_the_agents_assessment_for_three_working_days():
    out = lifecycle.intake(start(), ctx())
    s = out.state
    assert (s.stage, s.pending.kind, s.pending.user_id) == (Stage.assessment, "assessment", AGENT.user_id)
    assert s.pending.due_at == due(2026, 11, 26)
    assert kinds(out) == ["intake"] and out.steps[0].seq == 1
    assert [(n.key, n.to_user_id) for n in out.notices] == [("notify.assigned.assessment", AGENT.user_id)]


def test_out_of_scope_declines_the_project():
    s = lifecycle.intake(start(), ctx()).state
    out = lifecycle.assess(s, lifecycle_out_of_scope(), ctx())
    assert out.state.stage == Stage.declined and out.state.pending is None
    assert kinds(out) == ["assessment", "stage_changed", "declined"]


def lifecycle_out_of_scope():
    from domain.commands import AssessCommand, AssessmentIn

    return AssessCommand(actor=AGENT, body=AssessmentIn(in_scope=False, comment="not our business"))


@pytest.mark.parametrize(("risk", "budget", "levels"), [
    (Level.low, "100000", [Role.dept_head]),
    (Level.high, "100000", [Role.dept_head, Role.executive]),
    (Level.medium, "500000.01", [Role.dept_head, Role.executive]),
    (Level.medium, "500000", [Role.dept_head]),
])  # fmt: skip
def test_initiation_needs_the_executive_for_high_risk_or_a_large_budget(risk, budget, levels):
    s = assessed(risk, budget)
    assert s.stage == Stage.initiation_approval
    assert s.approvals.initiation_levels == levels
    assert (s.pending.kind, s.pending.gate, s.pending.role) == ("approval", Gate.initiation, Role.dept_head)


def test_initiation_approvals_go_in_order_dept_head_then_executive():
    s = assessed(Level.high)
    with pytest.raises(Forbidden, match="awaits the dept_head"):
        lifecycle.decide(s, decision(Gate.initiation, by=BOSS), ctx())
    s = lifecycle.decide(s, decision(Gate.initiation), ctx()).state
    assert (s.stage, s.pending.role) == (Stage.initiation_approval, Role.executive)
    with pytest.raises(AlreadyDecided):
        lifecycle.decide(s, decision(Gate.initiation), ctx())
    out = lifecycle.decide(s, decision(Gate.initiation, by=BOSS), ctx())
    assert (out.state.stage, out.state.pending.kind) == (Stage.planning, "plan")
    assert kinds(out) == ["decision", "stage_changed"]


def test_rejected_initiation_goes_back_to_assessment():
    s = lifecycle.decide(assessed(), decision(Gate.initiation, Decision.reject, comment="预算不足"), ctx()).state
    assert (s.stage, s.pending.kind) == (Stage.assessment, "assessment")


def test_only_the_departments_head_or_an_executive_decides():
    s = assessed()
    with pytest.raises(Forbidden):
        lifecycle.decide(s, decision(Gate.initiation, by=AGENT), ctx())
    with pytest.raises(Forbidden, match="heads loans"):
        lifecycle.decide(s, decision(Gate.initiation, by=OTHER_HEAD), ctx())
    with pytest.raises(WrongStage):
        lifecycle.decide(s, decision(Gate.plan), ctx())


def test_plan_milestones_must_lie_between_today_and_ten_years_ahead():
    s = lifecycle.decide(assessed(), decision(Gate.initiation), ctx()).state
    with pytest.raises(Invalid, match="before today"):
        lifecycle.submit_plan(s, plan(date(2026, 11, 22)), ctx())
    with pytest.raises(Invalid, match="ten years"):
        lifecycle.submit_plan(s, plan(date(2037, 1, 1)), ctx())
    out = lifecycle.submit_plan(s, plan(date(2026, 11, 23), date(2026, 12, 1)), ctx())
    assert (out.state.stage, out.state.pending.gate) == (Stage.plan_approval, Gate.plan)
    assert [m.name for m in out.state.milestones] == ["m1", "m2"]


def test_rejected_plan_goes_back_to_planning_and_an_approved_one_starts_execution():
    s = lifecycle.decide(assessed(), decision(Gate.initiation), ctx()).state
    s = lifecycle.submit_plan(s, plan(date(2026, 12, 1), date(2026, 12, 15)), ctx()).state
    rejected = lifecycle.decide(s, decision(Gate.plan, Decision.reject, comment="里程碑太紧"), ctx())
    assert rejected.state.stage == Stage.planning
    s = lifecycle.decide(s, decision(Gate.plan), ctx()).state
    assert s.stage == Stage.execution and s.execution_started_at == MONDAY
    assert (s.pending.kind, s.pending.due_at) == ("results", due(2026, 12, 15))  # the last milestone's cut-off
    assert s.reporting.next_due_at == due(2026, 11, 27)  # Friday 18:00


def test_weekly_report_counts_on_time_once_a_week_and_completes_milestones():
    s = to_execution()
    out = lifecycle.report(s, report("m1"), ctx(at(2026, 11, 24)))
    assert out.state.reporting.on_time == 1 and out.state.milestones[0].done_on == date(2026, 11, 24)
    assert out.steps[0].data["milestones_done"] == {"m1": "2026-11-24"}
    again = lifecycle.report(out.state, report(), ctx(at(2026, 11, 25))).state
    assert (again.reporting.received, again.reporting.on_time) == (2, 1)
    with pytest.raises(Invalid, match="unknown milestones"):
        lifecycle.report(s, report("nope"), ctx())


def test_reports_are_owed_only_during_work():
    with pytest.raises(WrongStage):
        lifecycle.report(assessed(), report(), ctx())


def test_rejected_review_opens_a_task_that_blocks_resubmission():
    s = lifecycle.submit_results(to_execution(), results(), ctx()).state
    assert s.stage == Stage.result_review
    out = lifecycle.decide(s, decision(Gate.result_review, Decision.reject, comment="mortgage clause missing"), ctx())
    s = out.state
    [task] = s.rectification.tasks
    assert (s.stage, task.source, task.user_id, task.summary) == (
        Stage.rectification, TaskSource.review_rejection, AGENT.user_id, "mortgage clause missing")
    assert s.approvals.first_review_passed is False
    assert kinds(out) == ["decision", "stage_changed", "task_created"]
    with pytest.raises(Conflict, match="still open"):
        lifecycle.submit_results(s, results(), ctx())
    s = rectification.complete_task(s, complete(task.id), ctx()).state
    s = lifecycle.submit_results(s, results(), ctx()).state
    assert (s.stage, s.approvals.round(Gate.result_review)) == (Stage.result_review, 2)
    s = lifecycle.decide(s, decision(Gate.result_review), ctx()).state
    assert (s.stage, s.pending.role, s.pending.user_name) == (Stage.customer_acceptance, Role.customer, None)


def test_objections_open_one_task_each_and_results_return_to_the_customer():
    s = lifecycle.submit_results(to_execution(), results(), ctx()).state
    s = lifecycle.decide(s, decision(Gate.result_review), ctx()).state
    out = lifecycle.answer_acceptance(s, objection("price too high", "  ", "late"), ctx())
    s = out.state
    assert [t.source for t in s.rectification.tasks] == [TaskSource.customer_objection] * 2
    assert out.steps[0].data == {"objections": 2}
    for task in list(s.rectification.tasks):
        s = rectification.complete_task(s, complete(task.id), ctx()).state
    s = lifecycle.submit_results(s, results(), ctx()).state
    assert s.stage == Stage.customer_acceptance


def test_only_the_projects_customer_answers_the_acceptance():
    s = lifecycle.submit_results(to_execution(), results(), ctx()).state
    s = lifecycle.decide(s, decision(Gate.result_review), ctx()).state
    from domain.commands import AcceptanceCommand, AcceptanceIn
    from domain.models import Actor

    stranger = Actor(user_id="u-someone", role=Role.customer)
    with pytest.raises(Forbidden):
        lifecycle.answer_acceptance(s, AcceptanceCommand(actor=stranger, body=AcceptanceIn(accepted=True, rating=5)),
                                    ctx())  # fmt: skip
    assert lifecycle.answer_acceptance(s, accept(4), ctx()).state.stage == Stage.archiving


def test_a_project_without_a_customer_account_has_its_agent_record_the_acceptance():
    s = lifecycle.intake(start(customer=False), ctx()).state
    s = lifecycle.assess(s, assessment(), ctx()).state
    s = lifecycle.decide(s, decision(Gate.initiation), ctx()).state
    s = lifecycle.submit_plan(s, plan(date(2026, 12, 1)), ctx()).state
    s = lifecycle.decide(s, decision(Gate.plan), ctx()).state
    s = lifecycle.submit_results(s, results("m1"), ctx()).state
    s = lifecycle.decide(s, decision(Gate.result_review), ctx()).state
    assert (s.pending.role, s.pending.user_id) == (Role.agent, AGENT.user_id)
    from domain.commands import AcceptanceCommand, AcceptanceIn

    cmd = AcceptanceCommand(actor=AGENT, body=AcceptanceIn(accepted=True, rating=5))
    assert lifecycle.answer_acceptance(s, cmd, ctx()).state.ratings == [5]


def test_archiving_freezes_the_kpis_and_completes():
    s = lifecycle.submit_results(to_execution(), results("m1", "m2"), ctx()).state
    s = lifecycle.decide(s, decision(Gate.result_review), ctx()).state
    s = lifecycle.answer_acceptance(s, accept(4), ctx()).state
    s = lifecycle.begin_archive(s, ctx()).state
    assert s.completed_at == MONDAY and s.kpis.satisfaction_score == 80.0 and s.kpis.completion_rate == 100.0
    out = lifecycle.archived(s, ArchiveOut(bundle_id="archive-flat-001", keywords=[]), ctx())
    assert (out.state.stage, out.state.archive_bundle_id) == (Stage.completed, "archive-flat-001")
    assert kinds(out) == ["archived", "stage_changed", "completed"]


def test_operations_cancel_a_running_project_and_nobody_else_does():
    s = to_execution()
    from domain.commands import CancelCommand, CancelIn

    with pytest.raises(Forbidden):
        lifecycle.cancel(s, CancelCommand(actor=HEAD, body=CancelIn(reason="x")), ctx())
    s = lifecycle.cancel(s, CancelCommand(actor=OPS, body=CancelIn(reason="customer left")), ctx()).state
    assert (s.stage, s.pending) == (Stage.cancelled, None)
    with pytest.raises(WrongStage):
        lifecycle.cancel(s, CancelCommand(actor=OPS, body=CancelIn(reason="again")), ctx())


def test_steps_are_numbered_without_gaps_across_transitions():
    s = lifecycle.intake(start(), ctx()).state
    out = lifecycle.assess(s, assessment(), ctx())
    assert [st.seq for st in out.steps] == [2, 3] and out.state.seq == 3


def test_customers_appear_by_id_only():
    s = lifecycle.submit_results(to_execution(), results(), ctx()).state
    out = lifecycle.decide(s, decision(Gate.result_review), ctx())
    assert out.state.pending.user_id == CUSTOMER.user_id and out.state.pending.label() == "customer"
    assert CUSTOMER.name is None
