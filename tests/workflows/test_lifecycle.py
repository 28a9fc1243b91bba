"""ProjectWorkflow on the real Temporal dev server (updates need it): gates, validators,
recording, the Web UI view, idempotent updates and steps that cannot be recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from temporalio import activity
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.commands import AcceptanceCommand, AcceptanceIn, CancelCommand, CancelIn, PlanCommand, PlanIn
from domain.models import Level, Role, Stage, TaskSource
from domain.steps import RecordBatch, Recorded
from tests.history import decisive_events
from tests.workflows.harness import Recorder, harness
from workflows import search_attributes as sa
from workflows.project import ProjectWorkflow


def soon(days: int) -> date:
    return date.today() + timedelta(days=days)


async def rejected(call) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await call
    assert isinstance(info.value.cause, ApplicationError)
    return info.value.cause


async def details(handle) -> str:
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    return metadata.current_details


async def test_high_risk_project_runs_every_gate_to_completion(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        state = await h.assess(handle, risk=Level.high)
        assert state.stage == Stage.initiation_approval
        assert state.approvals.initiation_levels == [Role.dept_head, Role.executive]

        state = await h.decide(handle, "initiation")
        assert (state.stage, state.pending.role) == (Stage.initiation_approval, Role.executive)
        assert "立项审批 approval (initiation): 等待 awaiting executive，截止 due " in await details(handle)
        assert "**阶段 Stage:** 立项审批 initiation_approval" in await details(handle)
        attrs = (await handle.describe()).typed_search_attributes
        assert (attrs.get(sa.STAGE), attrs.get(sa.RISK), attrs.get(sa.ASSIGNEES)) == (
            "initiation_approval", "high", ["executive"])
        assert attrs.get(sa.DUE_AT) == state.pending.due_at
        state = await h.decide(handle, "initiation", by=h.executive)
        assert state.stage == Stage.planning

        await h.plan(handle, [("viewing", soon(7)), ("contract", soon(20))])
        state = await h.decide(handle, "plan")
        assert state.stage == Stage.execution and state.reporting.next_due_at is not None

        await h.results(handle, milestones=["viewing"])
        state = await h.decide(handle, "result_review", "reject", comment="contract draft missing")
        [task] = state.rectification.tasks
        assert (state.stage, task.source, task.user_id) == (Stage.rectification, TaskSource.review_rejection,
                                                            h.agent.user_id)  # fmt: skip
        assert h.rec.of(state.project_id, "task_created")[0].comment == "contract draft missing"
        assert (await rejected(h.results(handle))).type == "conflict"
        await h.complete(handle, task.id, resolution="added the draft")
        await h.results(handle, milestones=["contract"])
        state = await h.decide(handle, "result_review")
        assert state.stage == Stage.customer_acceptance and state.approvals.first_review_passed is False

        state = await h.object(handle, "price too high", "late")
        assert [t.source for t in state.rectification.tasks] == [TaskSource.customer_objection] * 2
        for t in state.rectification.tasks:
            await h.complete(handle, t.id)
        state = await h.results(handle, summary="renegotiated")
        assert state.stage == Stage.customer_acceptance  # objections go straight back to the customer
        state = await h.accept(handle, rating=4)
        assert state.stage == Stage.completed  # the acceptance answers once archived

        await handle.result()
        final = await h.state(handle)
        assert (final.ratings, final.archive_bundle_id) == ([4], f"archive-{final.project_id}")
        assert final.kpis.satisfaction_score == 80.0
        kinds = h.rec.kinds(final.project_id)
        assert kinds[0] == "intake" and kinds[-3:] == ["archived", "stage_changed", "completed"]
        decisions = [
            (s.data["gate"], s.data["level"], s.data["decision"]) for s in h.rec.of(final.project_id, "decision")
        ]
        assert decisions == [
            ("initiation", "dept_head", "approve"), ("initiation", "executive", "approve"),
            ("plan", "dept_head", "approve"), ("result_review", "dept_head", "reject"),
            ("result_review", "dept_head", "approve"),
        ]  # fmt: skip
        seqs = sorted(s.seq for s in h.rec.steps if s.project_id == final.project_id)
        assert seqs == list(range(1, final.seq + 1))  # every step recorded once, in order


async def test_rejected_updates_change_nothing(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        await h.assess(handle)
        before_history, before_steps = await decisive_events(handle), len(h.rec.steps)

        wrong_stage = PlanCommand(actor=h.agent, body=PlanIn.model_validate(
            {"goals": "g", "responsibilities": "r", "milestones": [{"name": "m", "due_date": soon(3)}]}))
        assert (await rejected(handle.execute_update(ProjectWorkflow.submit_plan, wrong_stage))).type == "wrong_stage"
        assert (await rejected(h.decide(handle, "initiation", by=h.customer))).type == "forbidden"
        assert (await rejected(h.decide(handle, "plan"))).type == "wrong_stage"
        other_head = h.head.model_copy(update={"department": "finance"})
        assert (await rejected(h.decide(handle, "initiation", by=other_head))).type == "forbidden"
        stranger = h.agent.model_copy(update={"user_id": "u-someone-else"})
        assert (await rejected(h.decide(handle, "initiation", by=stranger))).type == "forbidden"
        cancel = CancelCommand(actor=stranger, body=CancelIn(reason="no"))
        assert (await rejected(handle.execute_update(ProjectWorkflow.cancel, cancel))).type == "forbidden"

        assert await decisive_events(handle) == before_history
        assert len(h.rec.steps) == before_steps

        await h.decide(handle, "initiation")
        before_history = await decisive_events(handle)
        assert (await rejected(h.decide(handle, "initiation"))).type == "already_decided"
        assert await decisive_events(handle) == before_history
        assert (await h.state(handle)).stage == Stage.planning


async def test_input_the_api_would_refuse_is_refused_by_the_workflow_too(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        await h.assess(handle)
        before = await decisive_events(handle)
        raw = {"actor": h.head.model_dump(mode="json"),
               "body": {"gate": "initiation", "decision": "approve", "comment": "ok\u0000"}}  # fmt: skip
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update("decide", raw)
        raw["body"]["comment"] = "长" * 2001
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update("decide", raw)
        assert await decisive_events(handle) == before
        assert (await h.state(handle)).stage == Stage.initiation_approval


async def test_an_update_id_seen_before_is_applied_once(local_env):
    async with harness(local_env) as h:
        handle = await h.start()
        from domain.commands import AssessCommand, AssessmentIn

        body = AssessmentIn(in_scope=True, difficulty=Level.low, risk_level=Level.low, expected_cycle_days=10,
                            budget=1000)  # fmt: skip
        cmd = AssessCommand(actor=h.agent, body=body)
        first = await handle.execute_update(ProjectWorkflow.assess, cmd, id="idem-assess-1")
        again = await handle.execute_update(ProjectWorkflow.assess, cmd, id="idem-assess-1")
        assert first == again and first.stage == Stage.initiation_approval
        assert len(h.rec.of((await h.state(handle)).project_id, "assessment")) == 1


async def test_declined_and_cancelled_projects_end(local_env):
    async with harness(local_env) as h:
        declined = await h.start()
        assert (await h.assess(declined, in_scope=False)).stage == Stage.declined
        assert (await declined.result()).stage == Stage.declined
        cancelled = await h.start()
        assert (await rejected(cancelled.execute_update(ProjectWorkflow.cancel, CancelCommand(
            actor=h.agent, body=CancelIn(reason="mine"))))).type == "forbidden"  # fmt: skip
        await cancelled.execute_update(ProjectWorkflow.cancel, CancelCommand(
            actor=h.operations, body=CancelIn(reason="customer withdrew")))  # fmt: skip
        assert (await cancelled.result()).stage == Stage.cancelled
        [step] = h.rec.of((await h.state(cancelled)).project_id, "cancelled")
        assert step.comment == "customer withdrew" and step.actor.role == Role.operations


async def test_customer_without_account_acceptance_is_recorded_by_agent(local_env):
    async with harness(local_env) as h:
        handle = await h.start(customer=False)
        await h.to_execution(handle, [("deliver", soon(5))])
        await h.results(handle, milestones=["deliver"])
        await h.decide(handle, "result_review")
        assert (await rejected(h.accept(handle))).type == "forbidden"
        cmd = AcceptanceCommand(actor=h.agent, body=AcceptanceIn(accepted=True, rating=5))
        state = await h.update(handle, ProjectWorkflow.answer_acceptance, cmd)
        assert state.stage == Stage.completed and state.archive_bundle_id is not None


class PoisonRecorder(Recorder):
    """PostgreSQL refusing one batch for good, as a database constraint would."""

    @activity.defn(name="record")
    async def record(self, batch: RecordBatch) -> Recorded:
        if any("POISON" in s.comment for s in batch.steps):
            raise ApplicationError("CheckViolationError: refused", type="Unrecordable", non_retryable=True)
        return await super().record(batch)


async def test_a_step_that_can_never_be_recorded_fails_loudly_and_changes_nothing(local_env):
    rec = PoisonRecorder()
    async with harness(local_env, rec) as h:
        handle = await h.start()
        await h.assess(handle)
        before = await h.state(handle)
        err = await rejected(h.decide(handle, "initiation", comment="POISON"))
        assert err.type == "invalid" and "cannot be stored" in err.message
        after = await h.state(handle)
        assert (after.seq, after.stage) == (before.seq, before.stage)
        assert [(f.project_id, f.kinds) for f in rec.failures] == [(before.project_id, ["decision", "stage_changed"])]
        assert "未能记录 Could not record: CheckViolationError" in await details(handle)
        assert (await h.decide(handle, "initiation", comment="fine")).stage == Stage.planning  # not frozen
