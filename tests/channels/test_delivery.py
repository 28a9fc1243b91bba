"""Notifications reach people: queued with their steps, rendered in Chinese from the catalogue,
routed by contact, each linking to the item in the workspace; a robot's errcode is retried,
e-mail is sent over real SMTP."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import uuid
from zoneinfo import ZoneInfo

import httpx
from aiosmtpd.controller import Controller

from activities.channels import Router
from activities.channels.log import LogChannel
from activities.channels.smtp import SmtpMail
from activities.channels.wecom import WeComRobot
from activities.outbox import Outbox
from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.contacts import set_contact
from tests.channels.robots import RobotServer
from tests.web.conftest import Visitor
from worker import build_outbox, build_worker

PUBLIC = "http://jindu.test"


def outbox(pool, cipher, *channels) -> Outbox:
    return Outbox(pool, Router([LogChannel(), *channels]), cipher, tz=ZoneInfo("Asia/Shanghai"), public_url=PUBLIC)


async def assess(stack, team, pid: str) -> None:
    r = await stack.http.post(f"/v1/projects/{pid}/assessment", headers=team["agent"].headers, json={
        "in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 30, "budget": "1000"})
    assert r.status_code == 200, r.text


async def new_project(stack, team) -> str:
    r = await stack.http.post("/v1/projects", headers=team["agent"].headers, json={
        "customer": {"name": "陈杰"}, "channel": "phone", "requirement": "租房", "business_type": "rental"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def failures(pool, project_id: str) -> list[str]:
    return [r["channel"] for r in await pool.fetch(
        "SELECT channel FROM notification_failures WHERE project_id = $1", project_id)]


async def test_a_failed_robot_send_is_counted_and_the_retry_sends_once(stack, cipher):
    team = await stack.team()
    head = team["dept_head"]
    await set_contact(stack.pool, head.id, cipher, mobile="13900002222", email=None, channels=[], lang="zh")
    pid = await new_project(stack, team)
    await outbox(stack.pool, cipher).drain(pid)  # the agent's "assess the requirement", to the log only
    await assess(stack, team, pid)  # queues "approve the initiation" for the department's head
    async with RobotServer() as robot:
        robot.answers.append({"errcode": 45009, "errmsg": "api freq out of limit"})
        box = outbox(stack.pool, cipher, WeComRobot(robot.url("/send?key=k")))
        await box.drain(pid)
        assert "wecom" in await failures(stack.pool, pid)
        await stack.pool.execute("UPDATE notification_deliveries SET next_attempt_at = now() WHERE project_id = $1",
                                 pid)  # its backoff elapsed  # fmt: skip
        await stack.pool.execute("UPDATE outbox SET next_attempt_at = now() WHERE project_id = $1", pid)
        await box.drain(pid)
        await box.drain(pid)  # nothing is due any more: nothing is sent twice
    approval = [r.body for r in robot.requests if "待审批" in str(r.body)]
    assert [body["msgtype"] for body in approval] == ["template_card"] * 2  # the failed post, then the retried one
    card = approval[-1]["template_card"]  # one post: the decision's facts and its buttons together
    assert card["main_title"]["title"].startswith("待审批：项目") and "请 " in card["sub_title_text"]
    assert {"keyname": "预算", "value": "1,000元"} in card["horizontal_content_list"]
    assert [j["title"] for j in card["jump_list"]] == ["批准", "驳回", "在工作台中打开"]
    assert all(j["url"].startswith(f"{PUBLIC}/act/") for j in card["jump_list"][:2])
    assert await stack.pool.fetchval("SELECT errcode FROM notification_failures WHERE project_id = $1 AND "
                                     "channel = 'wecom'", pid) == "45009"  # fmt: skip
    unsent = await stack.pool.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1 AND sent_at IS NULL", pid)
    assert unsent == 0

    # The link opens the item in the workspace, for a signed-in dept head of the department.
    link = f"{PUBLIC}/projects/{pid}"
    assert card["card_action"]["url"] == link
    browser = Visitor(stack.app)
    try:
        first = await browser.http.get(link)
        assert first.status_code == 303 and first.headers["location"] == f"/signin?next=/projects/{pid}"
        page = await browser.http.get(first.headers["location"])
        from tests.web.conftest import csrf_of

        signed = await browser.http.post("/signin", data={"token": head.token, "csrf": csrf_of(page.text),
                                                          "next": f"/projects/{pid}"})
        assert signed.headers["location"] == f"/projects/{pid}"
        opened = await browser.http.get(link)
        assert opened.status_code == 200 and f"项目 {pid}" in opened.text
    finally:
        await browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.envelopes.append(envelope)
        return "250 OK"


async def test_email_reaches_each_person_over_smtp_and_customers_only_if_given(stack, cipher):
    team = await stack.team()
    agent, customer = team["agent"], team["customer"]
    await set_contact(stack.pool, agent.id, cipher, mobile=None, email="wang@example.com", channels=["email"],
                      lang="en")
    await set_contact(stack.pool, customer.id, cipher, mobile="13700000000", email="chen@example.com",
                      channels=[], lang="zh")
    pid = await new_project(stack, team)
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        box = outbox(stack.pool, cipher, SmtpMail("127.0.0.1", port, sender="jindu@example.com"))
        await box.drain(pid)  # the agent's "assess the requirement"
        await stack.pool.execute(
            """INSERT INTO outbox (id, project_id, seq, kind, key, params, to_role, to_user_id)
               VALUES ($1, $2, 1, 'info', 'notify.assigned.acceptance', '{}'::jsonb, 'customer', $3)""",
            f"{pid}:1:info:customer", pid, customer.id)  # fmt: skip
        await box.drain(pid)
    finally:
        controller.stop()
    [mail] = inbox.envelopes  # the customer gave no channel: no mail
    assert mail.rcpt_tos == ["wang@example.com"]
    parsed = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert parsed["Subject"] == f"New consultation to assess: project {pid}"  # the agent reads English
    assert parsed["To"] == f"{agent.name} <wang@example.com>"
    assert parsed["Date"] is not None  # RFC 5322 requires it; spam filters mark mail without one
    text = parsed.get_body(("plain",)).get_content()
    assert f"Open in the workspace: {PUBLIC}/projects/{pid}" in text and "Open:" not in text  # one wording
    assert f'href="{PUBLIC}/projects/{pid}"' in parsed.get_body(("html",)).get_content()


async def test_a_workflow_notification_with_an_errcode_is_retried_until_it_is_sent(local_env, pool, cipher):
    """The real path: API → workflow → outbox (with the step) → the worker's dispatcher → robot."""
    queue = f"jindu-channels-{uuid.uuid4().hex[:6]}"
    async with RobotServer() as robot:
        robot.answers.append({"errcode": -1, "errmsg": "system busy"})
        settings = Settings(task_queue=queue, public_url=PUBLIC, wecom_webhook_url=robot.url("/send?key=k"))
        app = create_app(settings, client=local_env.client, pool=pool, cipher=cipher, policy=ProjectPolicy())
        box = build_outbox(settings, pool, cipher=cipher)
        box.poll_seconds = 0.1
        worker = build_worker(local_env.client, pool=pool, task_queue=queue, outbox=box)
        from store.users import create_user

        agent, token = await create_user(pool, name=f"agent-{uuid.uuid4().hex[:6]}", role="agent", department="ch")
        await set_contact(pool, agent.id, cipher, mobile="13600003333", email=None, channels=[], lang="zh")
        # This dispatcher drains the whole outbox: leave other tests' unsent notifications for later.
        await pool.execute("UPDATE outbox SET next_attempt_at = now() + interval '1 day' "
                           "WHERE sent_at IS NULL AND failed_at IS NULL")  # fmt: skip
        stop = asyncio.Event()
        sending = asyncio.create_task(box.run(stop))
        async with worker, app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as http:
            r = await http.post("/v1/projects", headers={"Authorization": f"Bearer {token}"}, json={
                "customer": {"name": "陈杰"}, "channel": "phone", "requirement": "租房", "business_type": "rental"})
            assert r.status_code == 201, r.text
            pid = r.json()["id"]
            await pool.execute("UPDATE outbox SET next_attempt_at = now() WHERE project_id = $1", pid)
            for _ in range(100):
                if sum(req.body["msgtype"] == "text" and pid in str(req.body) for req in robot.requests) >= 2:
                    break
                await pool.execute(
                    "UPDATE outbox SET next_attempt_at = now() WHERE project_id = $1 AND sent_at IS NULL", pid
                )
                box.wake()
                await asyncio.sleep(0.1)
        stop.set()
        await sending
    mine = [req.body for req in robot.requests if pid in str(req.body)]  # the outbox sends others' too
    kinds = [body["msgtype"] for body in mine]
    assert kinds == ["text", "text"], kinds  # refused once, then sent: one post each time
    assert f"新咨询待评估：项目 {pid}" in mine[1]["text"]["content"]
    assert f"{PUBLIC}/projects/{pid}" in mine[1]["text"]["content"]
    assert mine[1]["text"]["mentioned_mobile_list"] == ["13600003333"]
    assert await pool.fetchval("SELECT count(*) FROM notification_failures WHERE project_id = $1", pid) == 1
