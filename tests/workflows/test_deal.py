"""DealWorkflow on the time-skipping test server, with a stand-in for its recording activity:
started by the record (update-with-start), a deal not confirmed is reminded to the dept head
and escalated, a second record is refused with nothing recorded, the confirmation ends it;
the committed history replays."""

from __future__ import annotations

import contextlib
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from temporalio import activity
from temporalio.client import WithStartWorkflowOperation, WorkflowHistory, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError
from temporalio.worker import Replayer, Worker

from domain.calendar import calendar_for
from domain.deal_facts import PartFen
from domain.deal_steps import ConfirmDeal, DealAck, DealStart, RecordDeal
from domain.models import Actor, Role
from domain.policy import ProjectPolicy
from domain.service_models import ServiceBatch
from jindu.temporal import data_converter
from tests.history import payload_bytes
from tests.workflows.harness import Recorder
from workflows import search_attributes as sa
from workflows.deal import DealWorkflow

HISTORIES = Path(__file__).parent / "histories" / "deal"
AGENT = Actor(user_id="u-wang", name="wang", role=Role.agent, department="sales")
HEAD = Actor(user_id="u-li", name="li", role=Role.dept_head, department="sales")
PARTS = [PartFen(agent_id="u-wang", share="70", value_fen=87_500_000, commission_fen=1_750_000),
         PartFen(agent_id="u-zhao", share="30", value_fen=37_500_000, commission_fen=750_000)]  # fmt: skip


class DealRecorder(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.deal_batches: list[ServiceBatch] = []

    @activity.defn(name="record_deal")
    async def record_deal(self, batch: ServiceBatch) -> None:
        if all(b.version != batch.version or b.subject_id != batch.subject_id for b in self.deal_batches):
            self.deal_batches.append(batch)

    def kinds(self, pid: str) -> list[str]:  # type: ignore[override]
        return [s.kind for b in self.deal_batches if b.subject_id == pid for s in b.steps]

    def at(self, pid: str, kind: str) -> datetime:
        return next(b.at for b in self.deal_batches if b.subject_id == pid for s in b.steps if s.kind == kind)


def record(actor: Actor = AGENT) -> RecordDeal:
    return RecordDeal(actor=actor, deal_date=date(2026, 12, 1), value_fen=125_000_000, commission_fen=2_500_000,
                      parts=PARTS)  # fmt: skip


async def run(env, test):  # type: ignore[no-untyped-def]
    rec = DealRecorder()
    queue = f"test-deal-{uuid.uuid4().hex[:8]}"
    async with Worker(env.client, task_queue=queue, workflows=[DealWorkflow],
                      activities=[rec.setup, rec.record_deal, rec.report_unrecordable]):  # fmt: skip
        pid = f"p{uuid.uuid4().hex[:10]}"
        now = (await env.get_current_time()).astimezone(UTC)
        start = WithStartWorkflowOperation(
            DealWorkflow.run, DealStart(project_id=pid, department="sales", agent_id="u-wang", since=now),
            id=f"deal-{pid}", task_queue=queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        ack = await env.client.execute_update_with_start_workflow(DealWorkflow.record, record(),
                                                                  start_workflow_operation=start, id="key-1")
        handle = await start.workflow_handle()
        try:
            await test(handle, rec, pid, now, ack)
        finally:
            with contextlib.suppress(RPCError):  # ended already: confirmed
                await handle.terminate("test finished")


def near(at: datetime, expected: datetime) -> bool:
    return expected <= at < expected + timedelta(minutes=1)


async def test_an_unconfirmed_deal_is_reminded_escalated_then_confirmed(skip_env):
    async def test(handle, rec, pid, now, ack):  # type: ignore[no-untyped-def]
        cal = calendar_for(ProjectPolicy().calendar, (await handle.query(DealWorkflow.state)).calendar)
        due = cal.add_working_days(now, 2)
        assert (ack.status, ack.due_at, ack.seq) == ("recorded", due, 1)
        assert rec.kinds(pid) == ["deal_recorded"]
        assert [(n.key, n.to_role) for n in rec.deal_batches[0].notices] == [("notify.assigned.deal", Role.dept_head)]
        attrs = (await handle.describe()).typed_search_attributes
        assert (attrs.get(sa.KIND), attrs.get(sa.STAGE), attrs.get(sa.DUE_AT)) == ("deal", "recorded", due)
        assert attrs.get(sa.ASSIGNEES) == ["dept_head@sales"]

        with pytest.raises(WorkflowUpdateFailedError) as refused:  # a second record: nothing recorded
            await handle.execute_update(DealWorkflow.record, record(), id="key-2")
        assert "has a deal already" in str(refused.value.cause)
        again = await handle.execute_update(DealWorkflow.record, record(), id="key-1", result_type=DealAck)
        assert again.seq == 1 and len(rec.deal_batches) == 1  # the first key's retry applies once

        escalate = cal.add_working_days(due - timedelta(seconds=1), 1)
        await skip_env.sleep(escalate - now + timedelta(hours=1))
        assert rec.kinds(pid) == ["deal_recorded", "reminder", "escalation"]
        assert near(rec.at(pid, "reminder"), due) and near(rec.at(pid, "escalation"), escalate)
        sent = [(n.key, n.to_role) for b in rec.deal_batches[1:] for n in b.notices]
        assert sent == [("notify.reminder", Role.dept_head), ("notify.escalation", Role.executive)]
        assert (await handle.describe()).typed_search_attributes.get(sa.OVERDUE) is True

        with pytest.raises(WorkflowUpdateFailedError):  # another department's head
            await handle.execute_update(DealWorkflow.confirm, ConfirmDeal(actor=HEAD.model_copy(
                update={"user_id": "u-qian", "department": "lease"})))  # fmt: skip
        done = await handle.execute_update(DealWorkflow.confirm, ConfirmDeal(actor=HEAD), result_type=DealAck)
        assert (done.status, done.due_at) == ("confirmed", None)
        assert (await handle.result()).status == "confirmed"  # the workflow ends once confirmed
        assert rec.kinds(pid)[-1] == "deal_confirmed"
        assert rec.deal_batches[-1].view["confirmed_by"] == "u-li"
        history = await handle.fetch_history()
        payloads = payload_bytes(history)
        assert pid.encode() in payloads and b"u-zhao" in payloads  # ids and money only
        if os.environ.get("JINDU_RECORD_HISTORIES"):  # the committed replay corpus (below)
            (HISTORIES / "v1_deal_reminded_escalated_confirmed.json").write_text(history.to_json())

    await run(skip_env, test)


async def test_committed_deal_histories_replay():
    paths = sorted(HISTORIES.glob("*.json"))
    assert [p.stem for p in paths] == ["v1_deal_reminded_escalated_confirmed"]
    replayer = Replayer(workflows=[DealWorkflow], data_converter=data_converter)
    for path in paths:
        await replayer.replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))
