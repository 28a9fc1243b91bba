"""What complaints and revisits change in a running project, as pure rules."""

from __future__ import annotations

from datetime import date

import pytest

from domain import service
from domain.errors import Forbidden, WrongStage
from domain.models import Role, Stage, TaskSource
from domain.service import ComplaintTasksCommand, RateCommand
from tests.domain.lifecycle_data import AGENT, CUSTOMER, HEAD, OPS, OTHER_HEAD, ctx, kinds, to_execution
from tests.domain.lifecycle_data import utc_due as due


def test_a_complaint_opens_tasks_for_the_agent_that_do_not_block_the_results():
    s = to_execution()
    cmd = ComplaintTasksCommand(actor=HEAD, complaint_id="c-1", descriptions=["call back", "refund fee"])
    out = service.complaint_tasks(s, cmd, ctx())
    assert kinds(out) == ["complaint_tasks", "task_created", "task_created"]
    tasks = out.state.rectification.tasks
    assert [(t.source, t.user_id, t.due_at) for t in tasks] == [
        (TaskSource.complaint, AGENT.user_id, due(2026, 11, 30))
    ] * 2
    assert out.state.stage == Stage.execution
    from domain import lifecycle
    from tests.domain.lifecycle_data import results

    assert lifecycle.submit_results(out.state, results(), ctx()).state.stage == Stage.result_review


def test_complaint_tasks_come_from_the_departments_head_executive_or_operations_only():
    s = to_execution()
    for actor in (AGENT, OTHER_HEAD, CUSTOMER):
        with pytest.raises(Forbidden):
            service.complaint_tasks(
                s, ComplaintTasksCommand(actor=actor, complaint_id="c-1", descriptions=["x"]), ctx()
            )
    assert service.complaint_tasks(s, ComplaintTasksCommand(actor=OPS, complaint_id="c-1", descriptions=["x"]),
                                   ctx()).state.rectification.tasks  # fmt: skip


def test_a_low_rating_raises_the_satisfaction_warning_of_a_running_project():
    s = to_execution()
    out = service.rate(s, RateCommand(actor=CUSTOMER, source="complaint", source_id="c-1", rating=2), ctx())
    assert out.state.ratings == [2] and out.state.kpis.satisfaction_score == 40.0
    assert out.state.warning.active and out.state.warning.reasons == ["satisfaction_score 40.0 < 80.0"]
    assert out.notices[-1].to_role == Role.dept_head
    assert kinds(out)[0] == "rated" and out.steps[0].data["source"] == "complaint"


def test_a_finished_project_takes_no_ratings_or_tasks():
    from domain import lifecycle
    from domain.commands import CancelCommand, CancelIn

    s = lifecycle.cancel(to_execution(), CancelCommand(actor=OPS, body=CancelIn(reason="gone")), ctx()).state
    with pytest.raises(WrongStage):
        service.rate(s, RateCommand(actor=CUSTOMER, source="revisit", source_id="r-1", rating=5), ctx())
    with pytest.raises(WrongStage):
        service.complaint_tasks(s, ComplaintTasksCommand(actor=HEAD, complaint_id="c", descriptions=["x"]), ctx())


def test_milestones_are_untouched_by_ratings():
    s = to_execution(ctx().now, date(2026, 12, 1))
    out = service.rate(s, RateCommand(actor=CUSTOMER, source="revisit", source_id="r-1", rating=5), ctx())
    assert out.state.milestones == s.milestones and not out.state.warning.active
