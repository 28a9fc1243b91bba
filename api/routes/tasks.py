"""The caller's inbox and closing rectification tasks 整改."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from temporalio.client import WorkflowUpdateFailedError

from api.auth import actor
from api.deps import CurrentUser, Pool, Workflows
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.schemas import Inbox
from domain.commands import TASK_ID_PATTERN, CompleteTaskCommand, TaskCompleteIn
from domain.errors import AlreadyDecided, Forbidden, NotFound
from store.inbox import inbox
from store.reads import TaskRecord, rectification_task
from workflows.project import ProjectWorkflow

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
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def complete_task(
    request: Request,
    task_id: Annotated[str, Path(description="A rectification task id from the inbox", pattern=TASK_ID_PATTERN)],
    user: CurrentUser, body: TaskCompleteIn, pool: Pool, workflows: Workflows, key: IdempotencyKey = None,
) -> TaskRecord:  # fmt: skip
    """The task's owner closes it with a resolution; a closed task is 409 `already_decided`.
    Answers with the task as recorded (status `done`)."""
    task = await rectification_task(pool, task_id)
    if task is None:
        raise NotFound(f"no rectification task {task_id}")
    if task.owner_user_id != user.id:
        raise Forbidden(f"task {task_id} belongs to {task.owner_name}")

    async def run(update_id: str | None) -> tuple[int, TaskRecord]:
        closed = AlreadyDecided(f"task {task_id} is already {task.status}")
        if task.status != "open" and update_id is None:
            raise closed
        cmd = CompleteTaskCommand(actor=actor(user), task_id=task_id, body=body)
        try:
            await workflows.update(task.project_id, ProjectWorkflow.complete_task, cmd, update_id)
        except WorkflowUpdateFailedError as err:
            if task.status != "open":  # not a retry the workflow recognised: it was closed before
                raise closed from err
            raise
        return 200, await rectification_task(pool, task_id) or task

    return await once(request, pool, user.id, key, run)  # type: ignore[no-any-return]
