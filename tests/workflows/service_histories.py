"""Scenarios of ComplaintWorkflow and RevisitWorkflow recorded by make_histories.py into
`histories/service/` (replayed by test_service_replay.py): named `v<N>_<scenario>.json`,
N the service workflows' version, never overwritten once shipped."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.commands import Command
from domain.service_models import (
    ComplaintConfirmationIn,
    ComplaintReplyIn,
    ConfirmCommand,
    ReplyCommand,
    RevisitCommand,
    RevisitIn,
)
from tests.workflows.harness import Harness
from tests.workflows.test_service import complete, file
from workflows.complaint import ComplaintWorkflow
from workflows.revisit import RevisitWorkflow

HERE = Path(__file__).parent / "histories" / "service"
SERVICE_VERSION = 1


async def save(name: str, h: Harness, handle: WorkflowHandle[Any, Any], subject: str) -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    path = HERE / f"v{SERVICE_VERSION}_{name}.json"
    if path.exists():  # a shipped version's history is never overwritten: bump SERVICE_VERSION
        print(f"kept {path} (SERVICE_VERSION {SERVICE_VERSION} is recorded already)")
        return
    history = await handle.fetch_history()
    path.write_text(history.to_json())
    (HERE / f"v{SERVICE_VERSION}_{name}.steps.json").write_text(json.dumps(sorted(set(h.rec.kinds(subject)))) + "\n")
    print(f"wrote {name} ({len(history.events)} events)")


async def complaint_rounds(h: Harness) -> None:
    """About a running project: rectification tasks opened in it, an unsatisfied confirmation
    (the rating goes to the project), a second round, satisfied."""
    project = await h.start()
    await h.to_execution(project, [("handover", (await h.env.get_current_time()).date() + timedelta(days=20))])
    handle, cid = await file(h, project_id=project.id.removeprefix("project-"))
    await handle.execute_update(ComplaintWorkflow.reply, ReplyCommand(actor=h.head, body=ComplaintReplyIn(
        reply="Looking into it", resolved=False)))  # fmt: skip
    await handle.execute_update(ComplaintWorkflow.reply, ReplyCommand(actor=h.head, body=ComplaintReplyIn(
        reply="Redone", resolved=True, rectification=["Redo the survey"])))  # fmt: skip
    await handle.execute_update(ComplaintWorkflow.confirm, ConfirmCommand(actor=h.customer, body=(
        ComplaintConfirmationIn(satisfied=False, rating=2, suggestions=["Call first"]))))  # fmt: skip
    await handle.execute_update(ComplaintWorkflow.reply, ReplyCommand(actor=h.head, body=ComplaintReplyIn(
        reply="Done now", resolved=False, unresolved_reason="The seller would not repaint")))  # fmt: skip
    await handle.execute_update(ComplaintWorkflow.confirm, ConfirmCommand(actor=h.head, body=(
        ComplaintConfirmationIn(satisfied=True, rating=4))))  # fmt: skip
    await handle.result()
    await save("complaint_rounds", h, handle, f"complaint:{cid}")


async def complaint_deadlines(env: WorkflowEnvironment, h: Harness) -> None:
    """Without a project: first reply and answer late (reminded, escalated), answered by operations."""
    handle, cid = await file(h)
    await env.sleep(timedelta(days=12))
    await handle.execute_update(ComplaintWorkflow.reply, ReplyCommand(actor=h.operations, body=ComplaintReplyIn(
        reply="Sorry", resolved=True)))  # fmt: skip
    await handle.execute_update(ComplaintWorkflow.confirm, ConfirmCommand(actor=h.customer, body=(
        ComplaintConfirmationIn(satisfied=True, rating=3))))  # fmt: skip
    await save("complaint_deadlines", h, handle, f"complaint:{cid}")


async def revisit_missed(env: WorkflowEnvironment, h: Harness) -> None:
    """A completed project's revisit: opened, reminded, escalated twice, recorded with a low rating."""
    project = await h.start()
    await complete(h, project)
    pid = project.id.removeprefix("project-")
    revisit = h.client.get_workflow_handle(f"revisit-{pid}")
    await revisit.execute_update(RevisitWorkflow.sync, Command(actor=h.agent))
    await env.sleep(timedelta(days=20))
    await revisit.execute_update(RevisitWorkflow.submit, RevisitCommand(actor=h.agent, body=RevisitIn(
        rating=2, comments="Slow handover", suggestions=["Keys on signing"])))  # fmt: skip
    await save("revisit_missed", h, revisit, f"revisit:{pid}")
