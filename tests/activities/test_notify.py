"""The outbox: notifications queued with their steps are sent by every channel once, retried
while a channel fails, given up after `max_attempts`; v1 projects' notifications too."""

import asyncio
import json
import uuid
from zoneinfo import ZoneInfo

import httpx
import pytest
from temporalio.testing import ActivityEnvironment

from activities.notifier import LogChannel, Notifier, OutgoingMessage, WebhookChannel
from activities.outbox import Outbox
from activities.v1 import V1Activities
from domain.models import Role
from domain.steps import Notice
from store import records
from workflows.v1.state import Notification

TZ = ZoneInfo("Asia/Shanghai")
PUBLIC_URL = "http://jindu.example"
DUE = "2026-03-05T09:00:00+00:00"


class WebhookReceiver:
    """A real HTTP endpoint on 127.0.0.1 answering every POST with `status`."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.bodies: list[dict] = []

    async def __aenter__(self) -> "WebhookReceiver":
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        host, port = self.server.sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}/robot/send?key=test"
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        headers = dict(
            line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line
        )
        length = int({k.lower(): v for k, v in headers.items()}["content-length"])
        self.bodies.append(json.loads(await reader.readexactly(length)))
        reason = "OK" if self.status == 200 else "Error"
        writer.write(f"HTTP/1.1 {self.status} {reason}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}".encode())
        await writer.drain()
        writer.close()

    def of(self, project_id: str) -> list[dict]:
        """The bodies about one project: a drain also sends what other tests queued."""
        return [b for b in self.bodies if b["jindu"]["project_id"] == project_id]


class Recording:
    """A channel that keeps what it sends."""

    def __init__(self, name: str = "recording") -> None:
        self.name = name
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)

    def of(self, project_id: str) -> list[OutgoingMessage]:
        return [m for m in self.sent if m.project_id == project_id]


async def add_user(pool, name: str, role: str, department: str | None) -> str:
    user_id = f"u-{uuid.uuid4().hex[:10]}"
    await pool.execute(
        "INSERT INTO users (id, name, role, department, token_hash) VALUES ($1, $2, $3, $4, $5)",
        user_id, name, role, department, uuid.uuid4().hex,
    )
    return user_id


def outbox(pool, *channels, **options) -> Outbox:
    return Outbox(pool, Notifier(list(channels)), tz=TZ, public_url=PUBLIC_URL, **options)


async def queue(pool, project_id: str, *notices: Notice) -> None:
    async with pool.acquire() as conn:
        await records.enqueue(conn, project_id, list(notices))


def approval(project_id: str, department: str, **changes) -> Notice:
    base = Notice(seq=5, kind="assigned", key="notify.assigned.approval", to_role=Role.dept_head,
                  department=department, params={"project_id": project_id, "gate": "plan",
                                                 "due_at": DUE})  # fmt: skip
    return base.model_copy(update=changes)


@pytest.fixture
def pid() -> str:
    return f"p-{uuid.uuid4().hex[:8]}"


async def test_webhook_receives_the_rendered_robot_text_once(pool, pid):
    dept = f"dept-{uuid.uuid4().hex[:6]}"
    head = f"Head Li {uuid.uuid4().hex[:4]}"
    await add_user(pool, head, "dept_head", dept)
    await add_user(pool, f"Other head {uuid.uuid4().hex[:4]}", "dept_head", "elsewhere")
    await queue(pool, pid, approval(pid, dept))
    async with WebhookReceiver(200) as hook, httpx.AsyncClient(trust_env=False) as http:
        sender = outbox(pool, LogChannel(), WebhookChannel(hook.url, http))
        assert await sender.drain() >= 1
        await sender.drain()
    subject = f"待审批：项目 {pid} 方案审批"
    text = f"项目 {pid} 的方案审批等待您审批，截止 2026-03-05 17:00。"  # 09:00 UTC in Shanghai
    link = f"{PUBLIC_URL}/projects/{pid}"
    assert hook.of(pid) == [
        {
            "msgtype": "text",
            "text": {"content": f"[进度 Jindu] {subject}\n→ {head}\n{text}\n{link}"},
            "jindu": {"project_id": pid, "kind": "assigned", "to_role": "dept_head", "recipients": [head],
                      "subject": subject, "link": link},
        }
    ]
    notice_id = f"{pid}:5:assigned:dept_head"
    channels = await pool.fetch("SELECT channel FROM deliveries WHERE outbox_id = $1 ORDER BY channel", notice_id)
    assert [r["channel"] for r in channels] == ["log", "webhook"]
    row = await pool.fetchrow("SELECT sent_at, attempts, last_error FROM outbox WHERE id = $1", notice_id)
    assert row["sent_at"] is not None and row["attempts"] == 1 and row["last_error"] is None


async def test_concurrent_dispatchers_send_once(pool, pid):
    await queue(pool, pid, approval(pid, "sales"), approval(pid, "sales", seq=6))
    async with WebhookReceiver(200) as hook, httpx.AsyncClient(trust_env=False) as http:
        senders = [outbox(pool, WebhookChannel(hook.url, http)) for _ in range(3)]
        await asyncio.gather(*(s.drain() for s in senders))
    assert sorted(b["text"]["content"].count(pid) > 0 for b in hook.of(pid)) == [True, True]
    assert await pool.fetchval("SELECT count(*) FROM deliveries d JOIN outbox o ON o.id = d.outbox_id "
                               "WHERE o.project_id = $1", pid) == 2  # fmt: skip


async def test_a_failing_webhook_is_retried_and_only_the_webhook_resends(pool, pid):
    await queue(pool, pid, approval(pid, "sales"))
    notice_id = f"{pid}:5:assigned:dept_head"
    log = Recording("log")
    async with WebhookReceiver(500) as hook, httpx.AsyncClient(trust_env=False) as http:
        sender = outbox(pool, log, WebhookChannel(hook.url, http))
        await sender.drain()
        assert len(hook.of(pid)) == 1 and len(log.of(pid)) == 1
        row = await pool.fetchrow("SELECT * FROM outbox WHERE id = $1", notice_id)
        assert row["sent_at"] is None and row["failed_at"] is None and row["attempts"] == 1
        assert "500" in row["last_error"] and row["next_attempt_at"] > row["created_at"]
        assert [r["channel"] for r in await pool.fetch("SELECT channel FROM deliveries WHERE outbox_id = $1",
                                                       notice_id)] == ["log"]  # fmt: skip
        await sender.drain()
        assert len(hook.of(pid)) == 1  # not due again before its backoff

        hook.status = 200
        await pool.execute("UPDATE outbox SET next_attempt_at = now() WHERE id = $1", notice_id)  # backoff elapsed
        await sender.drain()
    assert len(hook.of(pid)) == 2 and len(log.of(pid)) == 1
    channels = await pool.fetch("SELECT channel FROM deliveries WHERE outbox_id = $1 ORDER BY channel", notice_id)
    assert [r["channel"] for r in channels] == ["log", "webhook"]
    row = await pool.fetchrow("SELECT sent_at, attempts FROM outbox WHERE id = $1", notice_id)
    assert row["sent_at"] is not None and row["attempts"] == 2


async def test_a_notification_is_given_up_after_max_attempts(pool, pid):
    await queue(pool, pid, approval(pid, "sales"))
    notice_id = f"{pid}:5:assigned:dept_head"
    async with WebhookReceiver(500) as hook, httpx.AsyncClient(trust_env=False) as http:
        sender = outbox(pool, WebhookChannel(hook.url, http), max_attempts=2)
        for _ in range(3):
            await sender.drain()
            await pool.execute("UPDATE outbox SET next_attempt_at = now() WHERE id = $1", notice_id)
    assert len(hook.of(pid)) == 2
    row = await pool.fetchrow("SELECT sent_at, failed_at, attempts FROM outbox WHERE id = $1", notice_id)
    assert row["sent_at"] is None and row["failed_at"] is not None and row["attempts"] == 2


async def test_recipients_by_user_or_company_wide_role(pool, pid):
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
    channel = Recording()
    await outbox(pool, channel).drain()
    by_seq = {m.id.split(":")[1]: m for m in channel.of(pid)}
    assert by_seq["7"].recipients == [customer]
    assert executive in by_seq["8"].recipients
    assert by_seq["8"].subject == f"升级：项目 {pid} 审批逾期未办"


async def test_a_v1_projects_notification_is_sent_as_it_was_written(pool, pid):
    note = Notification(step_key=f"{pid}:5:assigned:dept_head", project_id=pid, kind="assigned",
                        to_role=Role.dept_head, department="sales", subject="Approve the plan",
                        text="Approve the plan for project p-1 — due 2026-03-05 17:00")  # fmt: skip
    acts = V1Activities(pool)
    await ActivityEnvironment().run(acts.notify, note)
    await ActivityEnvironment().run(acts.notify, note)  # a retried activity queues it once
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1", pid) == 1
    channel = Recording()
    await outbox(pool, channel).drain()
    [message] = channel.of(pid)
    assert (message.id, message.subject, message.text) == (note.step_key, note.subject, note.text)
