"""Bad input in every field of the complaint, revisit and suggestion actions is 422 with the
field named and changes nothing — over HTTP, and sent straight to the workflows."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.converter import DataConverter

from domain.commands import MAX_OBJECTIONS, OBJECTION_MAX
from domain.service_models import CONTENT_MAX, MAX_SUGGESTIONS
from domain.text import COMMENT_MAX, LONG_MAX, NAME_MAX
from tests.e2e.bad_input_data import Action, actor, bad_bodies, raw
from tests.e2e.test_service_over_http import post, project_in_execution
from tests.fixtures_stack import history_size

CONFIRMATION = {"satisfied": True, "rating": 4, "comment": "c", "suggestions": ["s"]}
ACTIONS = {
    "file": Action("POST", "/v1/complaints", "customer", {
        "content": "late", "channel": "phone", "project_id": "{pid}",
        "contact": {"name": "李雷", "phone": "139", "email": "l@example.com"}},
        texts={"content": CONTENT_MAX, "project_id": 64, "contact.name": NAME_MAX, "contact.phone": 30,
               "contact.email": 254}),
    "reply": Action("POST", "/v1/complaints/{c}/replies", "dept_head",
                    {"reply": "r", "resolved": False, "unresolved_reason": "u", "rectification": ["x"]},
                    texts={"reply": LONG_MAX, "unresolved_reason": LONG_MAX, "rectification.0": OBJECTION_MAX},
                    lists={"rectification": MAX_OBJECTIONS}),
    "confirmation": Action("POST", "/v1/complaints/{c}/confirmation", "customer", CONFIRMATION,
                           texts={"comment": COMMENT_MAX, "suggestions.0": COMMENT_MAX},
                           lists={"suggestions": MAX_SUGGESTIONS}),
    "revisit": Action("POST", "/v1/projects/{done}/revisit", "agent", {"rating": 3, "comments": "c",
                                                                       "suggestions": ["s"]},
                      texts={"comments": LONG_MAX, "suggestions.0": COMMENT_MAX},
                      lists={"suggestions": MAX_SUGGESTIONS}),
    "decision": Action("POST", "/v1/suggestions/{s}/decision", "dept_head", {"adopted": True, "comment": "c"},
                       texts={"comment": COMMENT_MAX}),
}  # fmt: skip


@pytest.fixture(scope="module")
async def in_service(stack):
    """An open complaint, a suggestion awaiting a decision, a completed project's revisit."""
    team = await stack.team()
    pid = await project_in_execution(stack, team)
    open_one = await post(stack, "/v1/complaints", team["customer"], {"content": "late", "channel": "phone",
                                                                      "project_id": pid}, 201)  # fmt: skip
    other = await post(stack, "/v1/complaints", team["customer"], {"content": "rude", "channel": "visit",
                                                                   "project_id": pid}, 201)  # fmt: skip
    c = f"/v1/complaints/{other['id']}"
    await post(stack, f"{c}/replies", team["dept_head"], {"reply": "Sorry", "resolved": True})
    confirmed = await post(stack, f"{c}/confirmation", team["customer"], CONFIRMATION)
    done = await project_in_execution(stack, team)
    p = f"/v1/projects/{done}"
    await post(stack, f"{p}/results", team["agent"], {"summary": "Signed"})
    await post(stack, f"{p}/decisions", team["dept_head"], {"gate": "result_review", "decision": "approve"})
    await post(stack, f"{p}/acceptance", team["customer"], {"accepted": True, "rating": 5})
    await stack.client.get_workflow_handle(f"revisit-{done}").execute_update("sync", {"actor": actor(team["agent"])})
    ids = {"pid": pid, "c": open_one["id"], "s": confirmed["suggestions"][0]["id"], "done": done}
    return ids, team


async def records_of(stack, ids: dict) -> tuple:
    db = stack.pool
    return (
        await db.fetchval("SELECT count(*) FROM complaints"),
        await db.fetchval("SELECT count(*) FROM complaint_events WHERE complaint_id = $1", ids["c"]),
        await db.fetchval("SELECT seq FROM complaints WHERE id = $1", ids["c"]),
        await db.fetchval("SELECT count(*) FROM suggestions WHERE adopted IS NOT NULL"),
        await db.fetchval("SELECT count(*) FROM revisit_events WHERE project_id = $1", ids["done"]),
        await db.fetchval("SELECT count(*) FROM idempotency_keys"),
        await db.fetchval("SELECT count(*) FROM events WHERE project_id = $1", ids["pid"]),
        await history_size(stack.client.get_workflow_handle(f"complaint-{ids['c']}")),
        await history_size(stack.client.get_workflow_handle(f"revisit-{ids['done']}")),
    )


async def test_bad_text_and_oversized_lists_are_422_and_change_nothing(stack, in_service):
    ids, team = in_service
    before = await records_of(stack, ids)
    sent = 0
    for name, action in ACTIONS.items():
        path = action.path.format(**ids)
        valid = {**action.body, "project_id": ids["pid"]} if name == "file" else action.body
        for where, what, body in bad_bodies(Action(action.method, path, action.who, valid, action.texts,
                                                   action.lists)):  # fmt: skip
            r = await stack.http.request(action.method, path, content=raw(body), headers={
                **team[action.who].headers, "Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
            context = f"{name} {where}: {what}"
            assert r.status_code == 422, (context, r.text)
            error = r.json()["error"]
            assert error["code"] == "invalid" and {d["field"] for d in error["details"]} == {f"body.{where}"}, context
            assert "\ud800" not in r.text and "\x00" not in r.text
            sent += 1
    assert sent >= 55
    assert await records_of(stack, ids) == before


async def test_bad_input_sent_straight_to_the_workflows_is_rejected_and_changes_nothing(stack, in_service):
    ids, team = in_service
    raw_client = Client(stack.client.service_client, namespace=stack.client.namespace,
                        data_converter=DataConverter.default)  # fmt: skip
    head, customer, agent = (actor(team[r]) for r in ("dept_head", "customer", "agent"))
    before = await records_of(stack, ids)
    tried = 0
    for workflow_id, update, who, http in [(f"complaint-{ids['c']}", "reply", head, "reply"),
                                           (f"complaint-{ids['c']}", "confirm", customer, "confirmation"),
                                           (f"revisit-{ids['done']}", "submit", agent, "revisit")]:
        handle = raw_client.get_workflow_handle(workflow_id)
        action = ACTIONS[http]
        command = Action("", "", "", {"actor": who, "body": action.body},
                         texts={"actor.name": NAME_MAX, **{f"body.{k}": v for k, v in action.texts.items()}},
                         lists={f"body.{k}": v for k, v in action.lists.items()})  # fmt: skip
        for where, what, cmd in bad_bodies(command):
            with pytest.raises(WorkflowUpdateFailedError) as caught:
                await handle.execute_update(update, cmd, id=f"bad-{uuid.uuid4().hex}")
            assert "decod" in str(caught.value.cause).lower(), (update, where, what, caught.value.cause)
            tried += 1
    assert tried >= 40
    assert await records_of(stack, ids) == before
    await raw_client.get_workflow_handle(f"complaint-{ids['c']}").execute_update("sync", {"actor": head})
