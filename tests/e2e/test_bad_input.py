"""Nothing valid-looking can freeze a project (issue 6): a NUL, a lone surrogate, a control
character, an over-long string or an oversized list in any field of any action is 422 with
the field named, and changes nothing — no row, no event, no history in Temporal. The same
input sent straight to the workflow (`temporal workflow update`) is rejected there."""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.converter import DataConverter

from domain.commands import MAX_MEASURES, MAX_MILESTONES, MAX_OBJECTIONS, OBJECTION_MAX
from domain.text import COMMENT_MAX, LONG_MAX, NAME_MAX, REQUIREMENT_MAX, SHORT_MAX
from tests.fixtures_stack import history_size

BAD_CHARACTERS = {"nul": "\u0000", "lone surrogate": "\ud800", "control character": "\u001b"}


def soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@dataclass
class Action:
    """One action: who sends it where, a valid body, and its bounded fields (dotted paths;
    a number is a list index) with their maximum length or size."""

    method: str
    path: str
    who: str
    body: dict[str, Any]
    texts: dict[str, int] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)
    prefix: dict[str, str] = field(default_factory=dict)  # what a patterned field must start with


PLAN = {"goals": "g", "responsibilities": "r", "resources": "car",
        "milestones": [{"name": "m1", "due_date": soon(5)}]}  # fmt: skip
MEASURE = {"description": "Hire", "owner": "someone", "deadline_working_days": 2}
ACTIONS = {
    "create": Action("POST", "/v1/projects", "agent", {
        "id": "fine-id", "customer": {"name": "李雷", "phone": "139", "email": "l@example.com", "company": "Acme",
                                      "user": "someone"},
        "channel": "phone", "requirement": "Refinance", "business_type": "finance"},
        texts={"id": 64, "customer.name": NAME_MAX, "customer.phone": 30, "customer.email": 254,
               "customer.company": SHORT_MAX, "customer.user": NAME_MAX, "requirement": REQUIREMENT_MAX,
               "business_type": NAME_MAX}),
    "assessment": Action("POST", "{p}/assessment", "agent", {"in_scope": False, "comment": "c"},
                         texts={"comment": COMMENT_MAX}),
    "plan": Action("POST", "{p}/plan", "agent", PLAN,
                   texts={"goals": LONG_MAX, "responsibilities": LONG_MAX, "resources": LONG_MAX,
                          "milestones.0.name": NAME_MAX},
                   lists={"milestones": MAX_MILESTONES}),
    "decisions": Action("POST", "{p}/decisions", "dept_head",
                        {"gate": "result_review", "decision": "approve", "comment": "c", "on_behalf_of": "someone"},
                        texts={"comment": COMMENT_MAX, "on_behalf_of": NAME_MAX}),
    "reports": Action("POST", "{p}/reports", "agent",
                      {"progress": "p", "problems": "none", "next_week_plan": "n", "completed_milestones": ["m1"]},
                      texts={"progress": LONG_MAX, "problems": LONG_MAX, "next_week_plan": LONG_MAX,
                             "completed_milestones.0": NAME_MAX},
                      lists={"completed_milestones": MAX_MILESTONES}),
    "results": Action("POST", "{p}/results", "agent",
                      {"summary": "s", "completed_milestones": ["m1"], "attachments": ["a.pdf"]},
                      texts={"summary": LONG_MAX, "completed_milestones.0": NAME_MAX, "attachments.0": SHORT_MAX},
                      lists={"completed_milestones": MAX_MILESTONES, "attachments": 20}),
    "acceptance": Action("POST", "{p}/acceptance", "customer", {"accepted": False, "objections": ["late"]},
                         texts={"objections.0": OBJECTION_MAX}, lists={"objections": MAX_OBJECTIONS}),
    "warning-analysis": Action("POST", "{p}/warning-analysis", "dept_head",
                               {"cause": "people", "analysis": "a", "measures": [MEASURE]},
                               texts={"analysis": LONG_MAX, "measures.0.description": COMMENT_MAX,
                                      "measures.0.owner": NAME_MAX},
                               lists={"measures": MAX_MEASURES}),
    "cancel": Action("POST", "{p}/cancel", "operations", {"reason": "r"}, texts={"reason": COMMENT_MAX}),
    "reassign": Action("POST", "{p}/reassign", "operations", {"target": "task:x", "to": "someone", "reason": "r"},
                       texts={"target": 105, "to": NAME_MAX, "reason": COMMENT_MAX}, prefix={"target": "task:"}),
    "deadline": Action("POST", "{p}/deadline", "operations", {"target": "task:x", "working_days": 1, "reason": "r"},
                       texts={"target": 105, "reason": COMMENT_MAX}, prefix={"target": "task:"}),
    "complete-task": Action("POST", "/v1/tasks/{task}/complete", "agent", {"resolution": "r"},
                            texts={"resolution": COMMENT_MAX}),
    "calendar": Action("PUT", "/v1/calendar/2031", "operations", {"holidays": ["2031-10-01"], "workdays": []},
                       lists={"holidays": 60, "workdays": 60}),
}  # fmt: skip


def get(body: Any, path: str) -> Any:
    for part in path.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


def put(body: dict, path: str, value: Any) -> dict:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


def bad_bodies(action: Action) -> list[tuple[str, str, dict]]:
    """(field, what is wrong, body) for every bounded field of the action."""
    out = []
    for path, longest in action.texts.items():
        start = action.prefix.get(path, "")
        for what, char in BAD_CHARACTERS.items():
            out.append((path, what, put(action.body, path, f"{start}a{char}b")))
        out.append((path, "over-long", put(action.body, path, start + "a" * (longest + 1 - len(start)))))
    for path, most in action.lists.items():
        if path.endswith(("holidays", "workdays")):  # dates of the year
            items: list = [(date(2031, 1, 1) + timedelta(days=i)).isoformat() for i in range(most + 1)]
        else:  # distinct copies of the first item
            item = get(action.body, path)[0]
            items = [{**item, "name": f"m{i}"} if isinstance(item, dict) and "name" in item
                     else f"{i}{item}" if isinstance(item, str) else item for i in range(most + 1)]  # fmt: skip
        out.append((path, "oversized list", put(action.body, path, items)))
    return out


def raw(body: dict) -> bytes:
    """JSON with every non-ASCII character escaped: a lone surrogate travels as `\\ud800`."""
    return json.dumps(body, ensure_ascii=True).encode()


async def records_of(stack, pid: str) -> tuple:
    db = stack.pool
    return (
        await db.fetchval("SELECT count(*) FROM projects"),
        await db.fetchval("SELECT count(*) FROM customers"),
        await db.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid),
        await db.fetchval("SELECT seq FROM projects WHERE id = $1", pid),
        await db.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1", pid),
        await db.fetchval("SELECT count(*) FROM record_failures WHERE project_id = $1", pid),
        await db.fetchval("SELECT count(*) FROM idempotency_keys"),
        await db.fetchval("SELECT count(*) FROM calendar_years"),
        await history_size(stack.client.get_workflow_handle(f"project-{pid}")),
    )


@pytest.fixture(scope="module")
async def in_rectification(stack):
    """A project sent back for rectification: one open task, every kind of wait in play."""
    team = await stack.team()
    http = stack.http

    async def ok(path: str, who: str, body: dict, status: int = 200) -> dict:
        r = await http.post(path, json=body, headers=team[who].headers)
        assert r.status_code == status, r.text
        return r.json()

    pid = (await ok("/v1/projects", "agent", {
        "customer": {"name": "李雷", "user": team["customer"].name}, "channel": "phone",
        "requirement": "Refinance a mortgage", "business_type": "finance"}, 201))["id"]  # fmt: skip
    p = f"/v1/projects/{pid}"
    await ok(f"{p}/assessment", "agent", {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                          "expected_cycle_days": 20, "budget": "5000"})
    await ok(f"{p}/decisions", "dept_head", {"gate": "initiation", "decision": "approve"})
    await ok(f"{p}/plan", "agent", PLAN)
    await ok(f"{p}/decisions", "dept_head", {"gate": "plan", "decision": "approve"})
    await ok(f"{p}/results", "agent", {"summary": "done"})
    view = await ok(f"{p}/decisions", "dept_head", {"gate": "result_review", "decision": "reject", "comment": "Redo"})
    assert view["stage"] == "rectification"
    [task] = view["tasks"]
    return pid, task["id"], team


async def test_bad_text_and_oversized_lists_in_every_action_are_422_and_change_nothing(stack, in_rectification):
    pid, task_id, team = in_rectification
    before = await records_of(stack, pid)
    sent = 0
    for name, action in ACTIONS.items():
        path = action.path.format(p=f"/v1/projects/{pid}", task=task_id)
        for where, what, body in bad_bodies(action):
            r = await stack.http.request(action.method, path, content=raw(body), headers={
                **team[action.who].headers, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
            context = f"{name} {where}: {what}"
            assert r.status_code == 422, (context, r.text)
            error = r.json()["error"]
            assert error["code"] == "invalid" and error["message"], context
            fields = {d["field"] for d in error["details"]}
            assert fields == {f"body.{where}"}, (context, error["details"])
            assert "\ud800" not in r.text and "\x00" not in r.text  # the input is not echoed
            sent += 1
    assert sent >= 130
    assert await records_of(stack, pid) == before


async def test_bad_query_path_and_header_values_are_422_never_500(stack, in_rectification):
    pid, task_id, team = in_rectification
    ops, head = team["operations"].headers, team["dept_head"].headers
    before = await records_of(stack, pid)
    for url, headers in [
        ("/v1/projects?department=%00", ops),
        ("/v1/projects?department=a%1Bb", ops),
        (f"/v1/projects?department={'d' * (NAME_MAX + 1)}", ops),
        ("/v1/projects?offset=9223372036854775808", ops),
        ("/v1/projects?offset=100001", ops),
        ("/v1/projects?offset=-1", ops),
        ("/v1/projects?limit=0", ops),
        ("/v1/projects?limit=101", ops),
        ("/v1/projects?overdue=%00", ops),
        ("/v1/kpis?department=%00", ops),
        ("/v1/kpis?agent=%00", ops),
        ("/v1/kpis?period=%00", ops),
        ("/v1/projects/bad%00id", ops),
        (f"/v1/projects/{'p' * 65}", ops),
        ("/v1/projects/bad%1Bid/decisions", head),
    ]:
        method = "POST" if url.endswith("/decisions") else "GET"
        r = await stack.http.request(method, url, headers=headers, json={"gate": "plan", "decision": "approve"})
        assert r.status_code == 422, (url, r.text)
        assert r.json()["error"]["code"] == "invalid", url
    r = await stack.http.post(f"/v1/tasks/{'t' * 101}/complete", headers=team["agent"].headers,
                              json={"resolution": "r"})
    assert r.status_code == 422, r.text
    for key in ("has space", "k" * 201, "ключ"):
        r = await stack.http.post(f"/v1/projects/{pid}/cancel", json={"reason": "r"},
                                  headers={**ops, "Idempotency-Key": key.encode()})
        assert r.status_code == 422, (key, r.text)
    assert await records_of(stack, pid) == before


# --------------------------------------------------------------------------- bypassing the API


def actor(person) -> dict:
    return {"user_id": person.id, "name": None if person.role == "customer" else person.name, "role": person.role,
            "department": person.department}


def commands(team, task_id: str) -> dict[str, Action]:
    """Update name → its valid raw input (as `body`) and bounded fields: the actor's, and
    those of the HTTP body it carries under `body`."""
    agent, head, ops, customer = (actor(team[r]) for r in ("agent", "dept_head", "operations", "customer"))

    def command(base: dict, action: str | None = None, texts: dict[str, int] | None = None,
                lists: dict[str, int] | None = None) -> Action:  # fmt: skip
        http = ACTIONS[action] if action else Action("", "", "", {})
        return Action("", "", "", base,
                      texts={"actor.name": NAME_MAX, "actor.department": NAME_MAX,
                             **{f"body.{k}": v for k, v in http.texts.items()}, **(texts or {})},
                      lists={**{f"body.{k}": v for k, v in http.lists.items()}, **(lists or {})},
                      prefix={f"body.{k}": v for k, v in http.prefix.items()})  # fmt: skip

    def body(action: str) -> dict:
        return ACTIONS[action].body

    decision = {k: v for k, v in body("decisions").items() if k != "on_behalf_of"}
    return {
        "sync": command({"actor": agent}),
        "assess": command({"actor": agent, "body": body("assessment")}, "assessment"),
        "submit_plan": command({"actor": agent, "body": body("plan")}, "plan"),
        "decide": command({"actor": ops, "body": decision, "on_behalf_of": head},
                          texts={"body.comment": COMMENT_MAX, "on_behalf_of.name": NAME_MAX}),
        "report": command({"actor": agent, "body": body("reports")}, "reports"),
        "submit_results": command({"actor": agent, "body": body("results")}, "results"),
        "answer_acceptance": command({"actor": customer, "body": body("acceptance")}, "acceptance"),
        "complete_task": command({"actor": agent, "task_id": task_id, "body": body("complete-task")}, "complete-task",
                                 texts={"task_id": 100}),
        "analyse_warning": command({"actor": head, "owners": {"someone": agent}, "body": body("warning-analysis")},
                                   "warning-analysis"),
        "cancel": command({"actor": ops, "body": body("cancel")}, "cancel"),
        "reassign": command({"actor": ops, "body": body("reassign"), "to": agent}, "reassign",
                            texts={"to.name": NAME_MAX}),
        "extend_deadline": command({"actor": ops, "body": body("deadline")}, "deadline"),
        "publish_calendar": command({"actor": ops, "year": 2031, "dates": body("calendar")},
                                    lists={"dates.holidays": 60}),
    }  # fmt: skip


async def test_bad_input_sent_straight_to_the_workflow_is_rejected_and_changes_nothing(stack, in_rectification):
    pid, task_id, team = in_rectification
    # The SDK's plain JSON converter escapes what pydantic's refuses to encode (a lone
    # surrogate), as any other client of `temporal workflow update` could send it.
    raw_client = Client(stack.client.service_client, namespace=stack.client.namespace,
                        data_converter=DataConverter.default)  # fmt: skip
    handle = raw_client.get_workflow_handle(f"project-{pid}")
    before = await records_of(stack, pid)
    tried = 0
    for update, command in commands(team, task_id).items():
        for where, what, cmd in bad_bodies(command):
            with pytest.raises(WorkflowUpdateFailedError) as caught:
                await handle.execute_update(update, cmd, id=f"bad-{uuid.uuid4().hex}")
            assert "decod" in str(caught.value.cause).lower(), (update, where, what, caught.value.cause)
            tried += 1
    assert tried >= 130
    assert await records_of(stack, pid) == before
    # The same client's valid input is accepted: the rejections were the input's.
    await handle.execute_update("sync", {"actor": actor(team["agent"])})


async def test_ids_sent_straight_to_the_workflow_are_checked_too(stack, in_rectification):
    """Actors' user ids reach the records (events.actor_id, task owners): an id PostgreSQL
    cannot store must be rejected by the update's validation, not fail when recorded."""
    pid, task_id, team = in_rectification
    raw_client = Client(stack.client.service_client, namespace=stack.client.namespace,
                        data_converter=DataConverter.default)  # fmt: skip
    handle = raw_client.get_workflow_handle(f"project-{pid}")
    before = await records_of(stack, pid)
    ops = actor(team["operations"])
    for bad in ("a\u0000b", "a\ud800b", "a\u001bb"):
        # Operations may extend any deadline: nothing but the id could make this fail.
        cmd = {"actor": {**ops, "user_id": bad}, "body": {"target": "pending", "working_days": 1, "reason": "r"}}
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update("extend_deadline", cmd, id=f"bad-{uuid.uuid4().hex}")
    assert await records_of(stack, pid) == before


async def test_a_required_text_of_only_white_space_is_422_and_changes_nothing(stack, in_rectification):
    pid, task_id, team = in_rectification
    before = await records_of(stack, pid)
    for path, who, body, where in [
        (f"/v1/tasks/{task_id}/complete", "agent", {"resolution": " \n\t "}, "body.resolution"),
        (f"/v1/projects/{pid}/cancel", "operations", {"reason": "\u3000 "}, "body.reason"),
        (f"/v1/projects/{pid}/reassign", "operations", {"target": "pending", "to": team["agent"].name,
                                                         "reason": "   "}, "body.reason"),
    ]:
        r = await stack.http.post(path, json=body, headers=team[who].headers)
        assert r.status_code == 422, (path, r.text)
        assert [d["field"] for d in r.json()["error"]["details"]] == [where]
        assert "blank" in r.json()["error"]["details"][0]["message"]
    assert await records_of(stack, pid) == before
