"""After-sales beyond the first revisit (issue 14, domain/revisit_after.py): later revisits on
the policy's schedule, and a satisfaction warning after completion analysed and tracked to
its measures, with literal dates."""

from __future__ import annotations

import pytest

from domain import revisit_after, revisits
from domain.commands import CompleteTaskCommand, MeasureIn, TaskCompleteIn, WarningAnalysisCommand, WarningAnalysisIn
from domain.errors import Forbidden, NotFound, WrongStage
from domain.models import CauseCategory, Role
from domain.policy import ProjectPolicy, RevisitPolicy
from domain.service_models import RevisitStatus
from tests.domain.lifecycle_data import AGENT, HEAD, OTHER_HEAD, at, ctx
from tests.domain.lifecycle_data import utc_due as due
from tests.domain.service_data import WED_SEP_30, kinds, revisit, revisited

REGULAR = ProjectPolicy(revisit=RevisitPolicy(later_days=[180, 30]))


def scheduled(policy: ProjectPolicy = REGULAR, follow_up: bool = True):  # type: ignore[no-untyped-def]
    return revisits.schedule(revisit(), ctx(WED_SEP_30, policy), follow_up).state


def analysis(by=HEAD) -> WarningAnalysisCommand:  # type: ignore[no-untyped-def]
    body = WarningAnalysisIn(cause=CauseCategory.people, analysis="经办人未按约回电",
                             measures=[MeasureIn(description="回访培训", owner=AGENT.name, deadline_working_days=3)])
    return WarningAnalysisCommand(actor=by, body=body, owners={AGENT.name: AGENT})


def test_later_revisits_open_30_and_180_days_after_completion_one_after_the_other():
    s = scheduled()
    assert (s.opens_at, s.later) == (due(2026, 10, 10), [due(2026, 10, 30), due(2027, 3, 29)])
    s = revisits.tick(s, ctx(due(2026, 10, 10), REGULAR)).state
    out = revisits.record(s, revisited(5), ctx(at(2026, 10, 12, 10), REGULAR))
    assert kinds(out) == ["revisit_done", "rated", "revisit_scheduled"] and out.steps[-1].data["round"] == 2
    s = out.state
    assert (s.status, s.round, s.opens_at, s.task) == (RevisitStatus.scheduled, 2, due(2026, 10, 30), None)
    opened = revisits.tick(s, ctx(due(2026, 10, 30), REGULAR))
    assert kinds(opened) == ["revisit_opened"] and opened.state.task.user_id == AGENT.user_id
    last = revisits.record(revisits.record(opened.state, revisited(5), ctx(at(2026, 11, 2), REGULAR)).state,
                           revisited(4), ctx(at(2027, 3, 29), REGULAR))  # fmt: skip
    assert (last.state.status, last.state.round, last.state.later) == (RevisitStatus.done, 3, [])


def test_a_revisit_started_before_the_patch_or_without_a_schedule_stays_single():
    assert scheduled(follow_up=False).later == []
    assert scheduled(ProjectPolicy()).later == []
    done = revisits.record(scheduled(follow_up=False), revisited(2), ctx(at(2026, 10, 12), REGULAR)).state
    assert done.status == RevisitStatus.done and done.analysis is None


def test_a_low_rating_after_completion_asks_the_dept_head_for_an_analysis_that_opens_measures():
    out = revisits.record(scheduled(ProjectPolicy()), revisited(2), ctx(at(2026, 10, 19), ProjectPolicy()))
    s = out.state
    assert s.analysis is not None and (s.analysis.role, s.analysis.due_at) == (Role.dept_head, due(2026, 10, 21))
    assert revisit_after.owed(s) == [s.analysis]
    with pytest.raises(Forbidden):
        revisit_after.analyse(s, analysis(OTHER_HEAD), ctx(at(2026, 10, 20)))
    reminded = revisits.tick(s, ctx(due(2026, 10, 21)))
    assert [(st.kind, st.data["what"]) for st in reminded.steps] == [("reminder", "warning_analysis")]
    done = revisit_after.analyse(s, analysis(), ctx(at(2026, 10, 20, 10)))
    assert kinds(done) == ["warning_analysed", "task_created"] and done.state.cause == "people"
    measure = done.state.measures[0]
    assert (measure.id, measure.user_id, measure.due_at) == ("flat-001-rv1", AGENT.user_id, due(2026, 10, 23))
    with pytest.raises(WrongStage):
        revisit_after.analyse(done.state, analysis(), ctx(at(2026, 10, 20, 11)))
    close = CompleteTaskCommand(actor=AGENT, task_id=measure.id, body=TaskCompleteIn(resolution="已培训"))
    with pytest.raises(Forbidden):
        revisit_after.complete(done.state, close.model_copy(update={"actor": HEAD}), ctx(at(2026, 10, 22)))
    closed = revisit_after.complete(done.state, close, ctx(at(2026, 10, 22)))
    assert kinds(closed) == ["task_completed"] and revisit_after.owed(closed.state) == []
    with pytest.raises(NotFound):
        revisit_after.complete(closed.state, close, ctx(at(2026, 10, 22)))
