"""Each project update answers what it made (domain/results.py), on the real dev server:
the risk it added, the tasks a rejection, an objection or a complaint opened, whom a wait
went to, the approver decided for. Callers read these; none reads `events` back."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain import results
from domain.commands import (
    AssessCommand,
    AssessmentIn,
    CompleteTaskCommand,
    DecideCommand,
    DecisionIn,
    ResultsCommand,
    ResultsIn,
    TaskCompleteIn,
)
from domain.costs import CostCommand, CostIn
from domain.models import Decision, Gate, Level, Role, Stage
from domain.operator_commands import ExtendDeadlineCommand, ExtendDeadlineIn, ReassignCommand, ReassignIn
from domain.risk import RiskCategory, RiskResponse, RiskStatus
from domain.risk_commands import AddRiskCommand, RiskIn, RiskPatchIn, UpdateRiskCommand
from domain.service import ComplaintTasksCommand
from tests.workflows.harness import actor, harness
from workflows.project import ProjectWorkflow


def soon(days: int) -> date:
    return date.today() + timedelta(days=days)


async def test_each_update_answers_what_it_made(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        assessed = await handle.execute_update(ProjectWorkflow.assess, _assess(h))
        assert isinstance(assessed, results.Assessed) and (assessed.in_scope, assessed.stage) == (
            True, Stage.initiation_approval)

        deputy = actor(Role.dept_head).model_copy(update={"user_id": "u-deputy", "name": "Deputy Ma"})
        moved = await handle.execute_update(ProjectWorkflow.reassign, ReassignCommand(
            actor=h.operations, to=deputy, body=ReassignIn(target="pending", to="Deputy Ma", reason="on leave")))
        assert isinstance(moved, results.Reassigned)
        assert (moved.target, moved.previous, moved.to, moved.to_id) == ("pending", "dept_head@sales", "Deputy Ma",
                                                                         "u-deputy")  # fmt: skip
        later = await handle.execute_update(ProjectWorkflow.extend_deadline, ExtendDeadlineCommand(
            actor=h.operations, body=ExtendDeadlineIn(target="pending", working_days=2, reason="bank")))
        assert isinstance(later, results.DeadlineExtended) and later.due_at > later.previous_due_at

        decided = await handle.execute_update(ProjectWorkflow.decide, DecideCommand(
            actor=h.operations, body=DecisionIn(gate=Gate.initiation, decision=Decision.approve),
            on_behalf_of=deputy))  # fmt: skip
        assert isinstance(decided, results.Decided) and decided.stage == Stage.planning
        assert (decided.gate, decided.decision, decided.level, decided.round) == (
            Gate.initiation, Decision.approve, Role.dept_head, 1)
        assert decided.on_behalf_of is not None and decided.on_behalf_of.name == "Deputy Ma"

        await h.plan(handle, [("viewing", soon(7))])
        await h.decide(handle, "plan")
        added = [await handle.execute_update(ProjectWorkflow.add_risk, _risk(h, f"risk {i}")) for i in (1, 2)]
        assert [type(a) for a in added] == [results.RiskAdded] * 2
        assert [a.risk_id for a in added] == [f"{handle.id.removeprefix('project-')}-r{i}" for i in (1, 2)]
        closed = await handle.execute_update(ProjectWorkflow.update_risk, UpdateRiskCommand(
            actor=h.agent, risk_id=added[0].risk_id, body=RiskPatchIn(status=RiskStatus.closed)))
        assert isinstance(closed, results.RiskChanged) and (closed.risk_id, closed.settled) == (added[0].risk_id,
                                                                                                "closed")  # fmt: skip

        cost = CostIn(amount=Decimal("1000.01"), description="valuation fee", spent_on=date.today())
        spent = await handle.execute_update(ProjectWorkflow.record_cost, CostCommand(actor=h.head, body=cost))
        assert isinstance(spent, results.CostRecorded)
        assert (spent.total, spent.over_budget) == (Decimal("1000.01"), True)
        assert spent.cost_id == f"{handle.id.removeprefix('project-')}-c{spent.seq - 1}"  # then the warning's step

        asked = await handle.execute_update(ProjectWorkflow.complaint_tasks, ComplaintTasksCommand(
            actor=h.head, complaint_id="c-1", descriptions=["call the customer", "fix the listing"]))
        assert isinstance(asked, results.ComplaintTasksOpened) and len(asked.task_ids) == 2

        submitted = await handle.execute_update(ProjectWorkflow.submit_results, _results(h))
        assert isinstance(submitted, results.ResultsSubmitted) and submitted.submission == 1
        rejected = await handle.execute_update(ProjectWorkflow.decide, DecideCommand(
            actor=h.head, body=DecisionIn(gate=Gate.result_review, decision=Decision.reject, comment="no clause")))
        assert isinstance(rejected, results.Decided) and rejected.stage == Stage.rectification
        state = await h.state(handle)
        review_tasks = [t.id for t in state.rectification.tasks if t.id not in asked.task_ids]
        assert rejected.task_ids == review_tasks and len(review_tasks) == 1

        done = await handle.execute_update(ProjectWorkflow.complete_task, _complete(h, review_tasks[0]))
        assert isinstance(done, results.TaskCompleted) and done.task_id == review_tasks[0]


async def test_a_retried_update_answers_as_the_first_time(local_env):
    """Temporal answers an update id seen before with the first answer, what it made included."""
    async with harness(local_env) as h:
        handle = await h.start()
        await h.assess(handle)
        await h.decide(handle, "initiation")
        await h.plan(handle, [("viewing", soon(7))])
        await h.decide(handle, "plan")
        first = await handle.execute_update(ProjectWorkflow.add_risk, _risk(h, "flood"), id="same-key")
        again = await handle.execute_update(ProjectWorkflow.add_risk, _risk(h, "flood"), id="same-key")
        assert isinstance(again, results.RiskAdded) and again == first and first.risk_id is not None
        assert len((await h.state(handle)).risks) == 1


def _assess(h) -> AssessCommand:
    return AssessCommand(actor=h.agent, body=AssessmentIn(in_scope=True, difficulty=Level.low, risk_level=Level.low,
                                                          expected_cycle_days=30, budget=Decimal("1000")))


def _risk(h, text: str) -> AddRiskCommand:
    body = RiskIn(category=RiskCategory.market, description=text, likelihood=Level.high, impact=Level.low,
                  response=RiskResponse.reduce, owner=h.agent.name or "agent", review_on=soon(5))
    return AddRiskCommand(actor=h.agent, body=body, owner=h.agent)


def _results(h) -> ResultsCommand:
    return ResultsCommand(actor=h.agent, body=ResultsIn(summary="contract drafted"))


def _complete(h, task_id: str) -> CompleteTaskCommand:
    return CompleteTaskCommand(actor=h.agent, task_id=task_id, body=TaskCompleteIn(resolution="clause added"))
