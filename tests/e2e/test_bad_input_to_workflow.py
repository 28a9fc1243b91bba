"""Bad input sent straight to the workflow (`temporal workflow update`), bypassing the API:
the update validators reject it with the same bounds, and nothing changes (issue 6)."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.converter import DataConverter

from domain.text import COMMENT_MAX, NAME_MAX
from tests.e2e.bad_input_data import (
    ACTIONS,
    Action,
    actor,
    bad_bodies,
    records_of,
)

# --------------------------------------------------------------------------- bypassing the API


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


async def test_a_rejection_without_a_reason_is_refused_by_the_workflow_itself(stack):
    """The API refuses it (422); so does the workflow, for a raw `temporal workflow update`."""
    from tests.e2e.test_risk_register import running_project

    team = await stack.team()
    pid = await running_project(stack, team)
    r = await stack.http.post(f"/v1/projects/{pid}/results", headers=team["agent"].headers, json={"summary": "初稿"})
    assert r.json()["stage"] == "result_review"
    handle = stack.client.get_workflow_handle(f"project-{pid}")
    before = await records_of(stack, pid)
    head = actor(team["dept_head"])
    for comment in ("", "   "):
        cmd = {"actor": head, "body": {"gate": "result_review", "decision": "reject", "comment": comment}}
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update("decide", cmd, id=f"bad-{uuid.uuid4().hex}")
        assert "reason" in str(caught.value.cause)
    assert await records_of(stack, pid) == before
