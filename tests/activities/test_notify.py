import asyncio
import json
import uuid

import httpx
import pytest
from temporalio.testing import ActivityEnvironment

from activities.notifier import LogChannel, Notifier, WebhookChannel
from activities.project import ProjectActivities
from domain.models import Notification, Role


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


async def add_user(pool, name: str, role: str, department: str | None) -> str:
    user_id = f"u-{uuid.uuid4().hex[:10]}"
    await pool.execute(
        "INSERT INTO users (id, name, role, department, token_hash) VALUES ($1, $2, $3, $4, $5)",
        user_id, name, role, department, uuid.uuid4().hex,
    )
    return user_id


def note(**changes) -> Notification:
    base = Notification(
        step_key=f"p-{uuid.uuid4().hex[:8]}:5:assigned:dept_head",
        project_id="p-1",
        kind="assigned",
        to_role=Role.dept_head,
        department=f"dept-{uuid.uuid4().hex[:6]}",
        subject="Approve the plan",
        text="Approve the plan for project p-1 — due 2026-03-05 17:00",
    )
    return base.model_copy(update=changes)


async def notify(pool, cipher, channels, n: Notification) -> None:
    await ActivityEnvironment().run(ProjectActivities(pool, Notifier(channels), cipher).notify, n)


async def sent_rows(pool, step_key):
    return await pool.fetch("SELECT * FROM notifications WHERE step_key = $1 ORDER BY channel", step_key)


async def test_webhook_receives_the_robot_text_message_once(pool, cipher):
    n = note()
    head = f"Head Li {uuid.uuid4().hex[:4]}"
    await add_user(pool, head, "dept_head", n.department)
    await add_user(pool, f"Other head {uuid.uuid4().hex[:4]}", "dept_head", "elsewhere")
    async with WebhookReceiver(200) as hook, httpx.AsyncClient(trust_env=False) as http:
        channels = [LogChannel(), WebhookChannel(hook.url, http)]
        await notify(pool, cipher, channels, n)
        await notify(pool, cipher, channels, n)
    assert hook.bodies == [
        {
            "msgtype": "text",
            "text": {"content": f"[Jindu] Approve the plan\nTo: {head}\n{n.text}"},
            "jindu": {
                "project_id": "p-1",
                "kind": "assigned",
                "to_role": "dept_head",
                "recipients": [head],
                "subject": "Approve the plan",
            },
        }
    ]
    rows = await sent_rows(pool, n.step_key)
    assert [r["channel"] for r in rows] == ["log", "webhook"]
    assert rows[1]["body"] == hook.bodies[0]["text"]["content"]


async def test_concurrent_duplicates_send_once(pool, cipher):
    n = note()
    async with WebhookReceiver(200) as hook, httpx.AsyncClient(trust_env=False) as http:
        channels = [WebhookChannel(hook.url, http)]
        await asyncio.gather(*(notify(pool, cipher, channels, n) for _ in range(3)))
    assert len(hook.bodies) == 1
    assert len(await sent_rows(pool, n.step_key)) == 1


async def test_a_failing_webhook_raises_and_books_nothing(pool, cipher):
    n = note()
    async with WebhookReceiver(500) as hook, httpx.AsyncClient(trust_env=False) as http:
        channels = [LogChannel(), WebhookChannel(hook.url, http)]
        with pytest.raises(httpx.HTTPStatusError):
            await notify(pool, cipher, channels, n)
        assert len(hook.bodies) == 1
        assert [r["channel"] for r in await sent_rows(pool, n.step_key)] == ["log"]

        # The retry after the endpoint recovers sends the webhook, and only the webhook.
        hook.status = 200
        await notify(pool, cipher, channels, n)
    assert len(hook.bodies) == 2
    assert [r["channel"] for r in await sent_rows(pool, n.step_key)] == ["log", "webhook"]


async def test_recipients_by_user_or_company_wide_role(pool, cipher):
    customer = f"Customer Chen {uuid.uuid4().hex[:4]}"
    customer_id = await add_user(pool, customer, "customer", None)
    executive = f"Exec Zhao {uuid.uuid4().hex[:4]}"
    await add_user(pool, executive, "executive", None)
    async with WebhookReceiver(200) as hook, httpx.AsyncClient(trust_env=False) as http:
        channels = [WebhookChannel(hook.url, http)]
        await notify(pool, cipher, channels, note(to_role=Role.customer, to_user_id=customer_id))
        await notify(pool, cipher, channels, note(to_role=Role.executive, kind="escalation"))
    assert hook.bodies[0]["jindu"]["recipients"] == [customer]
    assert executive in hook.bodies[1]["jindu"]["recipients"]
