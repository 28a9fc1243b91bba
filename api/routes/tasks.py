"""The caller's inbox and closing rectification tasks 整改."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import actor
from api.deps import CurrentUser, Pool, Workflows
from api.errors import responses
from api.schemas import Inbox
from domain.errors import Forbidden, NotFound
from domain.models import CompleteTaskCommand, TaskCompleteIn
from store.reads import TaskRecord, inbox, rectification_task

router = APIRouter(prefix="/v1/tasks", tags=["tasks"])


@router.get("", response_model=Inbox, summary="The caller's inbox", responses=responses(401))
async def get_tasks(user: CurrentUser, pool: Pool) -> Inbox:
    """Open work waiting on the caller, soonest due first: approvals pending at the caller's role
    in their department (any department for an executive), pending actions assigned to the
    caller (assessment, plan, results, acceptance; `warning_analysis` for the department's
    dept_head) and the caller's open rectification tasks. Pending-action items have the id
    `<project_id>:<pending kind>`; rectification items carry the task id. A project waiting
    on its rectification shows its tasks as `rectification` items and the resubmission that
    follows them as a `results` item."""
    return Inbox(items=await inbox(pool, user_id=user.id, role=user.role, department=user.department))


@router.post("/{task_id}/complete", response_model=TaskRecord, summary="Close a rectification task",
             responses=responses(401, 403, 404, 409, 422))
async def complete_task(
    task_id: Annotated[str, Path(description="A rectification task id from the inbox")],
    user: CurrentUser,
    body: TaskCompleteIn,
    pool: Pool,
    workflows: Workflows,
) -> TaskRecord:
    """The task's owner closes it with a resolution; a closed task is 409 `already_decided`.
    Answers with the task as recorded (status `done`)."""
    task = await rectification_task(pool, task_id)
    if task is None:
        raise NotFound(f"no rectification task {task_id}")
    if task.owner_user_id != user.id:
        raise Forbidden(f"task {task_id} belongs to {task.owner_name}")
    cmd = CompleteTaskCommand(actor=actor(user), received_at=datetime.now(UTC), task_id=task_id, body=body)
    await workflows.update(task.project_id, "complete_task", cmd)
    return await rectification_task(pool, task_id) or task
