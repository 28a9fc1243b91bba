"""Channels deliver independently (issue 17): while DingTalk refuses (errcode 130101, sending
too fast) and answers slowly, the Feishu card and the e-mail of the same notification go out at
once; the DingTalk delivery alone is retried on its own schedule, given up, and recorded."""

from __future__ import annotations

import asyncio
import time
import uuid
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller

from activities.channels import Router
from activities.channels.dingtalk import DingTalkRobot
from activities.channels.feishu import FeishuBot
from activities.channels.log import LogChannel
from activities.channels.smtp import SmtpMail
from activities.outbox import Outbox
from domain.models import Role
from domain.steps import Notice
from store import records
from store.contacts import set_contact
from store.users import create_user
from tests.channels.robots import RobotServer
from tests.channels.test_delivery import Inbox, _free_port

REFUSED = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
SLOW = 1.5  # seconds DingTalk takes to refuse


class TimedInbox(Inbox):
    def __init__(self) -> None:
        super().__init__()
        self.at: list[float] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.at.append(time.monotonic())
        return await super().handle_DATA(server, session, envelope)


async def test_a_refusing_robot_delays_and_cancels_nothing_else(pool, cipher):
    dept = f"d-{uuid.uuid4().hex[:6]}"
    head, _ = await create_user(pool, name=f"李强-{uuid.uuid4().hex[:4]}", role="dept_head", department=dept)
    await set_contact(pool, head.id, cipher, mobile="13800001111", email="li@example.com",
                      channels=["dingtalk", "feishu", "email"], lang="zh")  # fmt: skip
    pid = f"p-{uuid.uuid4().hex[:8]}"
    async with pool.acquire() as conn:
        await records.enqueue(conn, pid, [Notice(seq=5, kind="assigned", key="notify.assigned.approval",
                                                 to_role=Role.dept_head, department=dept,
                                                 params={"project_id": pid, "gate": "initiation",
                                                         "due_at": "2026-12-03T10:00:00+00:00"})])  # fmt: skip
    notice_id = f"{pid}:5:assigned:dept_head"
    inbox, port = TimedInbox(), _free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        async with RobotServer(ok=REFUSED, delay=SLOW) as ding, RobotServer(ok={"code": 0, "msg": "ok"}) as feishu:
            router = Router([LogChannel(), DingTalkRobot(ding.url("/robot/send?access_token=t")),
                             FeishuBot(feishu.url("/open-apis/bot/v2/hook/x")),
                             SmtpMail("127.0.0.1", port, sender="jindu@example.com")])  # fmt: skip
            box = Outbox(pool, router, cipher, tz=ZoneInfo("Asia/Shanghai"), public_url="http://jindu.test",
                         max_attempts=3, retry_in=lambda attempt: 0.2)  # fmt: skip
            started = time.monotonic()
            first = asyncio.create_task(box.drain(pid))
            while not (feishu.requests and inbox.at) and time.monotonic() - started < 5:
                await asyncio.sleep(0.02)
            others_done = time.monotonic() - started
            await first
            refused = time.monotonic() - started
            # The card and the mail went out while DingTalk was still thinking about its refusal.
            assert feishu.requests and inbox.at, "the others waited for DingTalk"
            assert others_done < SLOW < refused, (others_done, refused)
            assert max(feishu.requests[0].at, inbox.at[0]) - started < 1.0
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                state = await pool.fetchval("SELECT state FROM notification_deliveries WHERE outbox_id = $1 "
                                            "AND delivery = 'dingtalk'", notice_id)  # fmt: skip
                if state == "given_up":
                    break
                await pool.execute("UPDATE outbox SET next_attempt_at = now() WHERE id = $1 AND failed_at IS NULL",
                                   notice_id)  # only the claim's lease: each delivery keeps its own backoff
                await box.drain(pid)
                await asyncio.sleep(0.05)
    finally:
        smtp.stop()
    assert len(ding.requests) == 3 and len(feishu.requests) == 1 and len(inbox.envelopes) == 1
    assert ding.requests[0].body["msgtype"] == "actionCard"  # a decision: approve / reject buttons
    rows = await pool.fetch("SELECT delivery, state, attempts, errcode FROM notification_deliveries "
                            "WHERE outbox_id = $1 ORDER BY delivery", notice_id)  # fmt: skip
    assert [tuple(r) for r in rows] == [("dingtalk", "given_up", 3, "130101"), (f"email:{head.id}", "sent", 1, None),
                                        ("feishu", "sent", 1, None), ("log", "sent", 1, None)]
    failures = await pool.fetch("SELECT delivery, errcode FROM notification_failures WHERE step_key = $1", notice_id)
    assert [tuple(r) for r in failures] == [("dingtalk", "130101")] * 3
    outbox = await pool.fetchrow("SELECT sent_at, failed_at, last_error FROM outbox WHERE id = $1", notice_id)
    assert outbox["failed_at"] is not None and "130101" in outbox["last_error"]
