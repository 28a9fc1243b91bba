"""CustomerWorkflow on the time-skipping test server, with a stand-in for its recording
activity: an A-grade customer not followed up is reminded, escalated and returned to the
pool; a follow-up restarts the cadence; a claim takes a pooled customer back."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio import activity
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, Worker

from domain.calendar import calendar_for
from domain.commands import Command
from domain.customers_follow_up import Claim, CustomerStart, FollowedUp, Way
from domain.customers_policy import Grade
from domain.models import Actor, Role
from domain.policy import ProjectPolicy
from domain.sla import due_at
from domain.steps import Notice
from jindu.temporal import data_converter
from tests.workflows.harness import Recorder
from workflows import search_attributes as sa
from workflows.customer import CustomerBatch, CustomerWorkflow

HISTORIES = Path(__file__).parent / "histories" / "customer"
AGENT = Actor(user_id="u-li", name="li", role=Role.agent, department="sales")


class CustomerRecorder(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.batches_seen: list[CustomerBatch] = []

    @activity.defn(name="record_customer")
    async def record_customer(self, batch: CustomerBatch) -> None:
        if all(b.version != batch.version or b.customer_id != batch.customer_id for b in self.batches_seen):
            self.batches_seen.append(batch)

    def kinds(self, cid: str) -> list[str]:  # type: ignore[override]
        return [s.kind for b in self.batches_seen if b.customer_id == cid for s in b.steps]

    def at(self, cid: str, kind: str) -> datetime:
        return next(b.at for b in self.batches_seen if b.customer_id == cid for s in b.steps if s.kind == kind)

    def sent(self, cid: str) -> list[Notice]:
        return [n for b in self.batches_seen if b.customer_id == cid for n in b.notices]


async def run(env, test, first_response: bool = False):  # type: ignore[no-untyped-def]
    rec = CustomerRecorder()
    queue = f"test-customer-{uuid.uuid4().hex[:8]}"
    async with Worker(env.client, task_queue=queue, workflows=[CustomerWorkflow],
                      activities=[rec.setup, rec.record_customer, rec.report_unrecordable]):  # fmt: skip
        cid = f"c{uuid.uuid4().hex[:10]}"
        now = (await env.get_current_time()).astimezone(UTC)
        start = CustomerStart(customer_id=cid, department="sales", grade=Grade.A, since=now,
                              first_response=first_response)  # fmt: skip
        handle = await env.client.start_workflow(CustomerWorkflow.run, start, id=f"customer-{cid}", task_queue=queue)
        try:
            await handle.execute_update(CustomerWorkflow.sync, Command(actor=AGENT))
            await test(handle, rec, cid, now)
        finally:
            await handle.terminate("test finished")


def near(at: datetime, expected: datetime) -> bool:
    return expected <= at < expected + timedelta(minutes=1)


async def test_an_a_grade_customer_not_followed_up_is_reminded_escalated_and_pooled(own_skip_env):
    skip_env = own_skip_env  # skips a week: a server of its own (others' waiting workflows hold the shared clock)
    async def test(handle, rec, cid, now):  # type: ignore[no-untyped-def]
        state = await handle.query(CustomerWorkflow.state)
        policy = ProjectPolicy()
        cal = calendar_for(policy.calendar, state.calendar)
        due = cal.add_working_days(now, 2)
        assert state.follow_up.due_at == due
        attrs = (await handle.describe()).typed_search_attributes
        assert (attrs.get(sa.KIND), attrs.get(sa.STAGE), attrs.get(sa.DUE_AT)) == ("customer", "active", due)
        escalate = cal.add_working_days(due - timedelta(seconds=1), 1)
        pool = cal.add_working_days(due - timedelta(seconds=1), 3)

        await skip_env.sleep(pool - now + timedelta(hours=1))
        assert rec.kinds(cid) == ["following", "reminded", "escalated", "pooled"]
        assert near(rec.at(cid, "reminded"), due) and near(rec.at(cid, "escalated"), escalate)
        assert near(rec.at(cid, "pooled"), pool)
        sent = [(n.key, n.to_role) for n in rec.sent(cid)]
        assert sent == [("customer.follow_up.reminder", Role.agent), ("customer.follow_up.escalation", Role.dept_head),
                        ("customer.follow_up.pooled", Role.dept_head), ("customer.follow_up.pooled", Role.agent)]
        state = await handle.query(CustomerWorkflow.state)
        assert state.status == "pooled"

        ack = await handle.execute_update(CustomerWorkflow.claim, Claim(actor=AGENT))
        assert ack.status == "active" and ack.due_at is not None
        assert rec.kinds(cid)[-1] == "claimed"
        if os.environ.get("JINDU_RECORD_HISTORIES"):  # the committed replay corpus (below)
            history = await handle.fetch_history()
            (HISTORIES / "v1_customer_pooled_claimed.json").write_text(history.to_json())

    await run(skip_env, test)


async def test_a_follow_up_keeps_the_customer(own_skip_env):
    skip_env = own_skip_env  # skips days: a server of its own
    async def test(handle, rec, cid, now):  # type: ignore[no-untyped-def]
        await skip_env.sleep(timedelta(days=1))
        at = (await skip_env.get_current_time()).astimezone(UTC)
        cmd = FollowedUp(actor=AGENT, follow_up_id="f1", way=Way.call, happened_at=at, grade=Grade.B)
        ack = await handle.execute_update(CustomerWorkflow.follow_up, cmd)
        assert ack.status == "active"
        state = await handle.query(CustomerWorkflow.state)
        assert state.grade == Grade.B and state.follow_ups == 1
        cal = calendar_for(ProjectPolicy().calendar, state.calendar)
        assert cal.local_date(ack.due_at) >= cal.local_date(at) + timedelta(days=7)
        await skip_env.sleep(ack.due_at - at - timedelta(hours=1))
        assert rec.kinds(cid) == ["following", "followed_up"]

    await run(skip_env, test)


async def test_a_consultation_for_its_owner_is_reminded_after_thirty_working_minutes(own_skip_env):
    skip_env = own_skip_env  # skips to the next working morning: a server of its own
    async def test(handle, rec, cid, now):  # type: ignore[no-untyped-def]
        state = await handle.query(CustomerWorkflow.state)
        policy = ProjectPolicy()
        cal = calendar_for(policy.calendar, state.calendar)
        due = due_at(now, policy.sla("consultation_first_response"), cal, policy.calendar.working_hours)
        assert state.follow_up.sla == "consultation_first_response" and state.follow_up.due_at == due
        assert due - now >= timedelta(minutes=30)  # working minutes: never sooner than the clock's
        await skip_env.sleep(due - now + timedelta(minutes=1))
        assert rec.kinds(cid) == ["following", "reminded"] and near(rec.at(cid, "reminded"), due)
        assert rec.batches_seen[0].view["stage"] == "first_response"
        assert rec.batches_seen[-1].view["stage"] == "reminded"
        at = (await skip_env.get_current_time()).astimezone(UTC)
        ack = await handle.execute_update(CustomerWorkflow.follow_up, FollowedUp(
            actor=AGENT, follow_up_id="f1", way=Way.call, happened_at=at))
        state = await handle.query(CustomerWorkflow.state)
        assert state.follow_up.sla == "follow_up" and ack.due_at == cal.add_working_days(at, 2)
        if os.environ.get("JINDU_RECORD_HISTORIES"):
            history = await handle.fetch_history()
            (HISTORIES / "v1_customer_first_response.json").write_text(history.to_json())

    await run(skip_env, test, first_response=True)


async def test_committed_customer_histories_replay():
    paths = sorted(HISTORIES.glob("*.json"))
    assert [p.stem for p in paths] == ["v1_customer_first_response", "v1_customer_pooled_claimed"]
    replayer = Replayer(workflows=[CustomerWorkflow], data_converter=data_converter)
    for path in paths:
        await replayer.replay_workflow(WorkflowHistory.from_json(path.stem, path.read_text()))
