"""The largest legal request of every kind completes, and stays within the byte budget
(issue 6; bounds in domain/text.py and domain/commands.py).

One project is driven from intake to archive over HTTP with every text field at its
maximum length in three-byte Chinese characters and every list at its maximum size:
50 milestones, 20 attachments, 20 objections, 10 warning measures. Budget: no payload
in the project's Temporal history (update inputs and results, search attributes,
markers) exceeds PAYLOAD_BUDGET, far under Temporal's 2 MiB payload limit, and no request
body exceeds REQUEST_BUDGET.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory

from domain.commands import MAX_MEASURES, MAX_MILESTONES, MAX_OBJECTIONS, OBJECTION_MAX
from domain.text import COMMENT_MAX, LONG_MAX, NAME_MAX, REQUIREMENT_MAX, SHORT_MAX

pytestmark = pytest.mark.timeout(240)
PAYLOAD_BUDGET = 256 * 1024
REQUEST_BUDGET = 256 * 1024
TEMPORAL_PAYLOAD_LIMIT = 2 * 1024 * 1024


def text(n: int, char: str = "进") -> str:
    return char * n


def name(prefix: str) -> str:
    """A unique name of the maximum length."""
    return (prefix + uuid.uuid4().hex)[:NAME_MAX].ljust(NAME_MAX, "名")


def payload_sizes(history: WorkflowHistory) -> Iterator[int]:
    def walk(message: Message) -> Iterator[int]:
        if isinstance(message, Payload):
            yield message.ByteSize()
            return
        for field, value in message.ListFields():
            if field.type != field.TYPE_MESSAGE:
                continue
            if field.message_type.GetOptions().map_entry:
                values = list(value.values())
            elif isinstance(value, Message):
                values = [value]
            else:
                values = list(value)
            for item in values:
                if isinstance(item, Message):
                    yield from walk(item)

    for event in history.events:
        yield from walk(event)


async def test_the_largest_request_of_every_kind_completes_within_budget(stack):
    dept = f"dept-{uuid.uuid4().hex[:6]}"
    agent = await stack.person("agent", dept, name=name("业务"))
    helper = await stack.person("agent", dept, name=name("助理"))
    head = await stack.person("dept_head", dept, name=name("部长"))
    executive = await stack.person("executive", name=name("总监"))
    operations = await stack.person("operations", name=name("运营"))
    customer = await stack.person("customer", name=name("客户"))
    sizes: dict[str, int] = {}

    async def send(kind: str, path: str, who, body: dict | None = None, status: int = 200) -> dict:
        content = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        sizes[kind] = max(sizes.get(kind, 0), len(content))
        r = await stack.http.post(path, content=content, headers={**who.headers, "Content-Type": "application/json"})
        assert r.status_code == status, (kind, r.text[:2000])
        return r.json()

    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
    milestones = [f"{i:02d}" + text(NAME_MAX - 2, "节") for i in range(MAX_MILESTONES)]
    view = await send("intake", "/v1/projects", agent, {
        "id": ("big-" + uuid.uuid4().hex + "x" * 64)[:64],
        "customer": {"name": text(NAME_MAX, "客"), "phone": "1" * 30, "email": ("e" * 242 + "@example.com"),
                     "company": text(SHORT_MAX, "司"), "user": customer.name},
        "channel": "visit", "requirement": text(REQUIREMENT_MAX, "需"), "business_type": text(NAME_MAX, "业"),
    }, 201)  # fmt: skip
    pid = view["id"]
    p = f"/v1/projects/{pid}"
    # High risk: initiation goes to the dept_head, then the executive. Expected in one day:
    # the first report raises a cycle-deviation warning, to analyse with measures.
    await send("assessment", f"{p}/assessment", agent, {
        "in_scope": True, "difficulty": "high", "risk_level": "high", "expected_cycle_days": 1,
        "budget": "999999999999.99", "comment": text(COMMENT_MAX)})  # fmt: skip
    await send("decision", f"{p}/decisions", head, {"gate": "initiation", "decision": "approve",
                                                    "comment": text(COMMENT_MAX)})
    await send("decision", f"{p}/decisions", executive, {"gate": "initiation", "decision": "approve",
                                                         "comment": text(COMMENT_MAX)})
    view = await send("plan", f"{p}/plan", agent, {
        "goals": text(LONG_MAX), "responsibilities": text(LONG_MAX), "resources": text(LONG_MAX),
        "milestones": [{"name": m, "due_date": (today + timedelta(days=10 + i)).isoformat()}
                       for i, m in enumerate(milestones)]})  # fmt: skip
    assert view["stage"] == "plan_approval" and len(view["milestones"]) == MAX_MILESTONES
    await send(
        "decision", f"{p}/decisions", head, {"gate": "plan", "decision": "approve", "comment": text(COMMENT_MAX)}
    )

    report = {"progress": text(LONG_MAX), "problems": text(LONG_MAX), "next_week_plan": text(LONG_MAX)}
    view = await send("report", f"{p}/reports", agent, report)
    assert view["warning"]["active"], view["warning"]
    view = await send("warning-analysis", f"{p}/warning-analysis", head, {
        "cause": "resources", "analysis": text(LONG_MAX), "revised_expected_cycle_days": 3650,
        "measures": [{"description": text(COMMENT_MAX), "owner": agent.name, "deadline_working_days": 250}
                     for _ in range(MAX_MEASURES)]})  # fmt: skip
    measures = [t for t in view["tasks"] if t["source"] == "progress_warning"]
    assert len(measures) == MAX_MEASURES
    await send("report", f"{p}/reports", agent, {**report, "completed_milestones": milestones})
    await send("deadline", f"{p}/deadline", operations, {"target": f"task:{measures[0]['id']}", "working_days": 60,
                                                         "reason": text(COMMENT_MAX)})  # fmt: skip
    await send("reassign", f"{p}/reassign", operations, {"target": f"task:{measures[0]['id']}", "to": helper.name,
                                                         "reason": text(COMMENT_MAX)})  # fmt: skip
    for task in measures:
        who = helper if task["id"] == measures[0]["id"] else agent
        await send("complete-task", f"/v1/tasks/{task['id']}/complete", who, {"resolution": text(COMMENT_MAX)})

    results = {"summary": text(LONG_MAX), "completed_milestones": milestones,
               "attachments": [f"{i:02d}" + text(SHORT_MAX - 2, "附") for i in range(20)]}  # fmt: skip
    await send("results", f"{p}/results", agent, results)
    view = await send("decision", f"{p}/decisions", head, {"gate": "result_review", "decision": "reject",
                                                           "comment": text(COMMENT_MAX)})
    assert view["stage"] == "rectification"
    for task in [t for t in view["tasks"] if t["status"] == "open"]:
        await send("complete-task", f"/v1/tasks/{task['id']}/complete", agent, {"resolution": text(COMMENT_MAX)})
    await send("results", f"{p}/results", agent, results)
    view = await send("decision", f"{p}/decisions", operations, {"gate": "result_review", "decision": "approve",
                                                                 "comment": text(COMMENT_MAX),
                                                                 "on_behalf_of": head.name})  # fmt: skip
    assert view["stage"] == "customer_acceptance"

    view = await send("acceptance", f"{p}/acceptance", customer, {
        "accepted": False, "objections": [f"{i:02d}" + text(OBJECTION_MAX - 2, "异") for i in range(MAX_OBJECTIONS)]})
    assert "tasks" in view.get("withheld", []), "a customer is not shown the rectification internals"
    staff_view = (await stack.http.get(p, headers=agent.headers)).json()
    objections = [t for t in staff_view["tasks"] if t["source"] == "customer_objection"]
    assert len(objections) == MAX_OBJECTIONS
    for task in objections:
        await send("complete-task", f"/v1/tasks/{task['id']}/complete", agent, {"resolution": text(COMMENT_MAX)})
    await send("results", f"{p}/results", agent, results)
    view = await send("acceptance", f"{p}/acceptance", customer, {"accepted": True, "rating": 5})
    assert view["stage"] == "completed"
    assert (await stack.http.get(p, headers=agent.headers)).json()["archive_bundle_id"]

    other = await send("intake", "/v1/projects", agent, {
        "customer": {"name": text(NAME_MAX, "客")}, "channel": "phone", "requirement": "r", "business_type": "b"}, 201)
    view = await send("cancel", f"/v1/projects/{other['id']}/cancel", operations, {"reason": text(COMMENT_MAX)})
    assert view["stage"] == "cancelled" and view["cancel_reason"] == text(COMMENT_MAX)

    # Everything was recorded, and nothing came near a limit on the way.
    async with stack.pool.acquire() as db:
        assert await db.fetchval("SELECT count(*) FROM record_failures WHERE project_id = $1", pid) == 0
        assert len(await db.fetchval("SELECT requirement FROM projects WHERE id = $1", pid)) == REQUIREMENT_MAX
        assert await db.fetchval("SELECT count(*) FROM rectification_tasks WHERE project_id = $1 AND status = 'done'",
                                 pid) == MAX_MEASURES + 1 + MAX_OBJECTIONS  # fmt: skip
    assert max(sizes.values()) <= REQUEST_BUDGET, sizes
    history = await stack.client.get_workflow_handle(f"project-{pid}").fetch_history()
    largest = max(payload_sizes(history))
    assert largest <= PAYLOAD_BUDGET < TEMPORAL_PAYLOAD_LIMIT, largest
    print(f"largest request bodies: {sizes}; largest history payload: {largest} bytes; "
          f"history: {len(history.events)} events, {sum(payload_sizes(history))} payload bytes")
