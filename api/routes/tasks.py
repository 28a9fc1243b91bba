"""The caller's inbox and closing rectification tasks 整改."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.deps import CurrentUser, Pool, Services
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.schemas import Inbox
from domain.commands import TASK_ID_PATTERN, TaskCompleteIn
from jindu.services import projects as uc
from jindu.services.overview import InboxContext, inbox_context
from store.inbox import inbox
from store.reads import TaskRecord

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


@router.get("/context", response_model=InboxContext, summary="The caller's inbox with each decision's context",
            responses=responses(401))
async def get_tasks_context(user: CurrentUser, office: Services) -> InboxContext:
    """The inbox (as `GET /v1/tasks`) and, for each project item other than complaints and
    revisits, what deciding it needs: requirement, assessment, agent, milestones and earlier
    decisions, and for a deal to confirm its date, value and commission. Three statements
    however many items (the workspace's inbox page)."""
    return await inbox_context(office, user)


@router.post("/{task_id}/complete", response_model=TaskRecord, summary="Close a rectification task",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def complete_task(
    request: Request,
    task_id: Annotated[str, Path(description="A rectification task id from the inbox", pattern=TASK_ID_PATTERN)],
    user: CurrentUser, body: TaskCompleteIn, pool: Pool, office: Services, key: IdempotencyKey = None,
) -> TaskRecord:  # fmt: skip
    """The task's owner closes it with a resolution; a closed task is 409 `already_decided`.
    Answers with the task as recorded (status `done`)."""

    async def run(update_id: str | None) -> tuple[int, TaskRecord]:
        return 200, await uc.complete_task(office, user, task_id, body, update_id)

    return await once(request, pool, user.id, key, run)  # type: ignore[no-any-return]
