"""ProjectWorkflow gates and validators on the real Temporal dev server (updates need it)."""

from __future__ import annotations


from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.exceptions import ApplicationError

from domain.models import (
    AcceptanceCommand,
    AcceptanceIn,
    CancelCommand,
    CancelIn,
    CompleteTaskCommand,
    Level,
    PlanCommand,
    PlanIn,
    Role,
    Stage,
    TaskCompleteIn,
    TaskSource,
)
from tests.history import decisive_events
from tests.workflows.harness import harness
from workflows import search_attributes as sa
from workflows.project import ProjectWorkflow


def soon(days: int) -> date:
    return date.today() + timedelta(days=days)


async def rejected(call) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await call
    assert isinstance(info.value.cause, ApplicationError)
    return info.value.cause




async def test_high_risk_project_runs_every_gate_to_completion(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        state = await h.assess(handle, risk=Level.high)
        assert state.stage == Stage.initiation_approval
        assert state.initiation_levels == [Role.dept_head, Role.executive]

        state = await h.decide(handle, "initiation")
        assert state.stage == Stage.initiation_approval
        assert state.pending.role == Role.executive
        metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
        assert "Approve the initiation — awaiting executive of sales, due " in metadata.current_details
        attrs = (await handle.describe()).typed_search_attributes
        assert (attrs.get(sa.STAGE), attrs.get(sa.RISK), attrs.get(sa.ASSIGNEES)) == (
            "initiation_approval", "high", ["executive@sales"])
        assert attrs.get(sa.DUE_AT) == state.pending.due_at
        state = await h.decide(handle, "initiation", by=h.executive)
        assert state.stage == Stage.planning

        await h.plan(handle, [("viewing", soon(7)), ("contract", soon(20))])
        state = await h.decide(handle, "plan")
        assert state.stage == Stage.execution
        assert state.reports.next_due_at is not None

        await h.results(handle, milestones=["viewing"])
        state = await h.decide(handle, "result_review", "reject", comment="contract draft missing")
        assert state.stage == Stage.rectification
        [task] = state.open_tasks()
        assert (task.source, task.description, task.owner_user_id) == (
            TaskSource.review_rejection, "contract draft missing", h.agent.user_id)

        err = await rejected(h.results(handle))
        assert err.type == "conflict"
        state = await handle.execute_update(
            ProjectWorkflow.complete_task,
            CompleteTaskCommand(actor=h.agent, task_id=task.id, body=TaskCompleteIn(resolution="added the draft")),
        )
        state = await h.results(handle, milestones=["contract"])
        assert state.stage == Stage.result_review
        state = await h.decide(handle, "result_review")
        assert state.stage == Stage.customer_acceptance
        assert state.first_review_passed is False

        state = await handle.execute_update(
            ProjectWorkflow.answer_acceptance,
            AcceptanceCommand(actor=h.customer, body=AcceptanceIn(accepted=False, objections=["price too high", "x"])),
        )
        assert state.stage == Stage.rectification
        assert [t.source for t in state.open_tasks()] == [TaskSource.customer_objection] * 2
        for t in state.open_tasks():
            await handle.execute_update(
                ProjectWorkflow.complete_task,
                CompleteTaskCommand(actor=h.agent, task_id=t.id, body=TaskCompleteIn(resolution="fixed")),
            )
        state = await h.results(handle, summary="renegotiated")
        assert state.stage == Stage.customer_acceptance  # objections go straight back to the customer
        await h.accept(handle, rating=4)

        final = await handle.result()
        assert final.stage == Stage.completed
        assert final.ratings == [4]
        assert final.archive_bundle_id == f"archive-{final.project_id}"
        assert final.kpis.satisfaction_score == 80.0
        kinds = h.rec.kinds(final.project_id)
        assert kinds[0] == "intake"
        assert kinds[-3:] == ["archived", "stage_changed", "completed"]
        decisions = [(s.data["gate"], s.data["level"], s.data["decision"]) for s in h.rec.of(final.project_id, "decision")]
        assert decisions == [
            ("initiation", "dept_head", "approve"),
            ("initiation", "executive", "approve"),
            ("plan", "dept_head", "approve"),
            ("result_review", "dept_head", "reject"),
            ("result_review", "dept_head", "approve"),
        ]
        seqs = sorted(s.seq for s in h.rec.steps if s.project_id == final.project_id)
        assert seqs == list(range(1, len(seqs) + 1))  # every step recorded once, in order


async def test_rejected_updates_change_nothing(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        await h.assess(handle)
        before_history, before_steps = await decisive_events(handle), len(h.rec.steps)

        wrong_stage = PlanCommand(actor=h.agent, body=PlanIn(goals="g", responsibilities="r",
                                                             milestones=[{"name": "m", "due_date": soon(3)}]))
        assert (await rejected(handle.execute_update(ProjectWorkflow.submit_plan, wrong_stage))).type == "wrong_stage"
        assert (await rejected(h.decide(handle, "initiation", by=h.customer))).type == "forbidden"
        assert (await rejected(h.decide(handle, "plan"))).type == "wrong_stage"
        other_head = h.head.model_copy(update={"department": "finance"})
        assert (await rejected(h.decide(handle, "initiation", by=other_head))).type == "forbidden"
        stranger = h.agent.model_copy(update={"user_id": "u-someone-else"})
        assert (await rejected(h.decide(handle, "initiation", by=stranger))).type == "forbidden"
        assert (await rejected(handle.execute_update(
            ProjectWorkflow.cancel, CancelCommand(actor=stranger, body=CancelIn(reason="no"))))).type == "forbidden"

        assert await decisive_events(handle) == before_history
        assert len(h.rec.steps) == before_steps

        await h.decide(handle, "initiation")
        before_history = await decisive_events(handle)
        err = await rejected(h.decide(handle, "initiation"))
        assert err.type == "already_decided"
        assert await decisive_events(handle) == before_history
        assert (await h.state(handle)).stage == Stage.planning


async def test_out_of_scope_is_declined(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        state = await h.assess(handle, in_scope=False)
        assert state.stage == Stage.declined
        assert (await handle.result()).stage == Stage.declined
        assert h.rec.kinds(state.project_id)[-1] == "declined"


async def test_operations_cancel_and_agent_cannot(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        err = await rejected(handle.execute_update(
            ProjectWorkflow.cancel, CancelCommand(actor=h.agent, body=CancelIn(reason="mine"))))
        assert err.type == "forbidden"
        state = await handle.execute_update(
            ProjectWorkflow.cancel, CancelCommand(actor=h.operations, body=CancelIn(reason="customer withdrew")))
        assert state.stage == Stage.cancelled
        assert (await handle.result()).cancel_reason == "customer withdrew"


async def test_customer_without_account_acceptance_is_recorded_by_agent(local_env):
    async with harness(local_env) as h:
        handle = await h.start(customer=False)
        await h.to_execution(handle, [("deliver", soon(5))])
        await h.results(handle, milestones=["deliver"])
        await h.decide(handle, "result_review")
        err = await rejected(h.accept(handle))
        assert err.type == "forbidden"
        state = await handle.execute_update(
            ProjectWorkflow.answer_acceptance,
            AcceptanceCommand(actor=h.agent, body=AcceptanceIn(accepted=True, rating=5)))
        assert state.stage == Stage.completed and state.archive_bundle_id is not None
        assert (await handle.result()).stage == Stage.completed
