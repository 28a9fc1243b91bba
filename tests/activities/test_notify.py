"""The outbox: notifications queued with their steps are sent by every channel once, retried
while a channel fails, given up after `max_attempts`. The channels' own formats are tests/channels'."""

import asyncio
import uuid
from zoneinfo import ZoneInfo

import pytest

from activities.channels import ChannelError, RenderedMessage, Router
from activities.outbox import Outbox
from domain.models import Role
from domain.steps import Notice
from store import records

TZ = ZoneInfo("Asia/Shanghai")
PUBLIC_URL = "http://jindu.example"
DUE = "2026-03-05T09:00:00+00:00"


class Recording:
    """A group channel (like a chat robot) that keeps what it sends, or fails while `failing`."""

    group = True

    def __init__(self, name: str = "robot") -> None:
        self.name, self.failing = name, False
        self.sent: list[RenderedMessage] = []
        self.tried = 0

    async def send(self, message: RenderedMessage) -> None:
        self.tried += 1
        if self.failing:
            raise ChannelError(self.name, "errcode 45009")
        self.sent.append(message)

    def of(self, project_id: str) -> list[RenderedMessage]:
        return [m for m in self.sent if m.project_id == project_id]


async def add_user(pool, name: str, role: str, department: str | None) -> str:
    user_id = f"u-{uuid.uuid4().hex[:10]}"
    await pool.execute(
        "INSERT INTO users (id, name, role, department, token_hash) VALUES ($1, $2, $3, $4, $5)",
        user_id, name, role, department, uuid.uuid4().hex,
    )
    return user_id


def outbox(pool, cipher, *channels, **options) -> Outbox:
    return Outbox(pool, Router(list(channels)), cipher, tz=TZ, public_url=PUBLIC_URL, **options)


async def queue(pool, project_id: str, *notices: Notice) -> None:
    async with pool.acquire() as conn:
        await records.enqueue(conn, project_id, list(notices))


def approval(project_id: str, department: str, **changes) -> Notice:
    base = Notice(seq=5, kind="assigned", key="notify.assigned.approval", to_role=Role.dept_head,
                  department=department, params={"project_id": project_id, "gate": "plan",
                                                 "due_at": DUE})  # fmt: skip
    return base.model_copy(update=changes)


async def backoff_elapsed(pool, notice_id: str) -> None:
    await pool.execute("UPDATE outbox SET next_attempt_at = now() WHERE id = $1", notice_id)
    await pool.execute("UPDATE notification_deliveries SET next_attempt_at = now() WHERE outbox_id = $1", notice_id)


@pytest.fixture
def pid() -> str:
    return f"p-{uuid.uuid4().hex[:8]}"


async def test_a_robot_receives_the_rendered_chinese_message_once(pool, cipher, pid):
    dept = f"dept-{uuid.uuid4().hex[:6]}"
    head = f"Head Li {uuid.uuid4().hex[:4]}"
    await add_user(pool, head, "dept_head", dept)
    await add_user(pool, f"Other head {uuid.uuid4().hex[:4]}", "dept_head", "elsewhere")
    await queue(pool, pid, approval(pid, dept))
    robot = Recording()
    sender = outbox(pool, cipher, robot)
    assert await sender.drain(pid) == 1
    await sender.drain(pid)
    [message] = robot.of(pid)
    assert message.subject == f"待审批：项目 {pid} 方案审批"
    assert f"项目 {pid} 的方案审批等待您审批，截止 2026-03-05（周四）17:00。" in message.text  # 09:00 UTC, Shanghai
    assert message.link == f"{PUBLIC_URL}/projects/{pid}" and message.lang == "zh"
    assert [r.name for r in message.recipients] == [head]
    notice_id = f"{pid}:5:assigned:dept_head"
    assert [r["channel"] for r in await pool.fetch("SELECT channel FROM deliveries WHERE outbox_id = $1",
                                                   notice_id)] == ["robot"]  # fmt: skip
    row = await pool.fetchrow("SELECT sent_at, attempts, last_error FROM outbox WHERE id = $1", notice_id)
    assert row["sent_at"] is not None and row["attempts"] == 1 and row["last_error"] is None


async def test_concurrent_dispatchers_send_once(pool, cipher, pid):
    await queue(pool, pid, approval(pid, "sales"), approval(pid, "sales", seq=6))
    robot = Recording()
    senders = [outbox(pool, cipher, robot) for _ in range(3)]
    await asyncio.gather(*(s.drain(pid) for s in senders))
    assert len(robot.of(pid)) == 2
    assert await pool.fetchval("SELECT count(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox_id "
                               "WHERE o.project_id = $1", pid) == 2  # fmt: skip


async def test_a_failing_channel_is_retried_and_only_it_resends(pool, cipher, pid):
    await queue(pool, pid, approval(pid, "sales"))
    notice_id = f"{pid}:5:assigned:dept_head"
    fine, robot = Recording("first"), Recording("second")
    robot.failing = True
    sender = outbox(pool, cipher, fine, robot)
    await sender.drain(pid)
    assert (len(fine.of(pid)), robot.tried) == (1, 1)
    row = await pool.fetchrow("SELECT * FROM outbox WHERE id = $1", notice_id)
    assert row["sent_at"] is None and row["failed_at"] is None and row["attempts"] == 1
    assert "45009" in row["last_error"] and row["next_attempt_at"] > row["created_at"]
    assert await pool.fetchval("SELECT count(*) FROM notification_failures WHERE step_key = $1", notice_id) == 1
    await sender.drain(pid)
    assert robot.tried == 1  # not due again before its backoff

    robot.failing = False
    await backoff_elapsed(pool, notice_id)
    await sender.drain(pid)
    assert (len(fine.of(pid)), len(robot.of(pid))) == (1, 1)  # the first channel did not resend
    channels = await pool.fetch("SELECT channel FROM deliveries WHERE outbox_id = $1 ORDER BY channel", notice_id)
    assert [r["channel"] for r in channels] == ["first", "second"]
    row = await pool.fetchrow("SELECT sent_at, attempts FROM outbox WHERE id = $1", notice_id)
    assert row["sent_at"] is not None and row["attempts"] == 2
    states = await pool.fetch("SELECT delivery, state, attempts FROM notification_deliveries WHERE outbox_id = $1 "
                              "ORDER BY delivery", notice_id)  # fmt: skip
    assert [tuple(r) for r in states] == [("first", "sent", 1), ("second", "sent", 2)]


async def test_a_notification_is_given_up_after_max_attempts(pool, cipher, pid):
    await queue(pool, pid, approval(pid, "sales"))
    notice_id = f"{pid}:5:assigned:dept_head"
    robot = Recording()
    robot.failing = True
    sender = outbox(pool, cipher, robot, max_attempts=2)
    for _ in range(3):
        await sender.drain(pid)
        await backoff_elapsed(pool, notice_id)
    assert robot.tried == 2
    row = await pool.fetchrow("SELECT sent_at, failed_at, attempts FROM outbox WHERE id = $1", notice_id)
    assert row["sent_at"] is None and row["failed_at"] is not None and row["attempts"] == 2
    given_up = await pool.fetchrow("SELECT state, attempts, errcode FROM notification_deliveries WHERE outbox_id = $1",
                                   notice_id)  # fmt: skip
    assert tuple(given_up) == ("given_up", 2, None)  # the test channel gives no platform code


async def test_recipients_by_user_or_company_wide_role(pool, cipher, pid):
    customer = f"Customer Chen {uuid.uuid4().hex[:4]}"
    customer_id = await add_user(pool, customer, "customer", None)
    executive = f"Exec Zhao {uuid.uuid4().hex[:4]}"
    await add_user(pool, executive, "executive", None)
    await queue(pool, pid,
                Notice(seq=7, kind="assigned", key="notify.assigned.acceptance", to_role=Role.customer,
                       to_user_id=customer_id, department="sales", params={"project_id": pid, "due_at": DUE}),
                Notice(seq=8, kind="escalation", key="notify.escalation", to_role=Role.executive, department="sales",
                       params={"project_id": pid, "what": "approval", "assignee": "dept_head@sales",
                               "due_at": DUE}))  # fmt: skip
    sender = outbox(pool, cipher, Recording())
    rows = {r["seq"]: dict(r) for r in await pool.fetch("SELECT * FROM outbox WHERE project_id = $1", pid)}
    [to_customer] = await sender.messages(rows[7])
    [to_executives] = await sender.messages(rows[8])
    assert [r.name for r in to_customer.recipients] == [customer]
    assert executive in [r.name for r in to_executives.recipients]
    assert to_executives.subject == f"升级：项目 {pid} 审批逾期未办"
    await sender.drain(pid)
    [sent] = sender.router.channels["robot"].of(pid)  # not the customer's
    assert sent.model_copy(update={"buttons": []}) == to_executives
    assert [b.url for b in sent.buttons] == [to_executives.link]  # no decision to take: one button, the item


async def test_a_delivery_sent_before_the_upgrade_is_not_sent_again(pool, cipher, pid):
    await queue(pool, pid, approval(pid, "sales"))
    notice_id = f"{pid}:5:assigned:dept_head"
    await pool.execute("INSERT INTO deliveries (outbox_id, channel) VALUES ($1, 'first')", notice_id)
    first, second = Recording("first"), Recording("second")
    await outbox(pool, cipher, first, second).drain(pid)
    assert (first.tried, len(second.of(pid))) == (0, 1)
    states = await pool.fetch("SELECT delivery, state FROM notification_deliveries WHERE outbox_id = $1 "
                              "ORDER BY delivery", notice_id)  # fmt: skip
    assert [tuple(r) for r in states] == [("first", "sent"), ("second", "sent")]
    assert await pool.fetchval("SELECT sent_at FROM outbox WHERE id = $1", notice_id) is not None


async def test_action_links_are_kept_hashed_used_once_by_their_addressee_and_forgotten_long_after(pool, pid):
    from datetime import timedelta

    from store import action_links

    token = await action_links.issue(pool, outbox_id=f"{pid}:5", project_id=pid, action="approve", gate="plan",
                                     user_ids=["u-head"])  # fmt: skip
    sibling = await action_links.issue(pool, outbox_id=f"{pid}:5", project_id=pid, action="reject", gate="plan",
                                       user_ids=["u-head"])  # fmt: skip
    assert await pool.fetchval("SELECT count(*) FROM action_links WHERE token_hash = $1", token.encode()) == 0
    assert await action_links.spend(pool, token, "u-other") is None  # not theirs
    used = await action_links.spend(pool, token, "u-head")
    assert used is not None and used.action == "approve" and used.used_by == "u-head"
    assert await action_links.spend(pool, token, "u-head") is None  # once
    assert await action_links.spend(pool, sibling, "u-head") is None  # the item is decided
    await action_links.restore(pool, token)  # the decision could not be sent: both work again
    assert (await action_links.find(pool, sibling)).used_at is None
    old = await action_links.issue(pool, outbox_id=f"{pid}:6", project_id=pid, action="approve", gate="plan",
                                   user_ids=["u-head"], ttl=timedelta(days=-31))  # fmt: skip
    assert await action_links.spend(pool, old, "u-head") is None  # expired
    assert await action_links.purge(pool) >= 1 and await action_links.find(pool, old) is None
    assert await action_links.find(pool, token) is not None
