"""Complaints 投诉 (RULES §Complaints and feedback): filing, lists, one complaint, replies and
the customer's confirmation.

Filing writes the complaint (its content and encrypted contact) in PostgreSQL first, then
starts its workflow with ids only and answers once the filing is recorded. Replies and
confirmations are updates to the complaint's workflow, whose validators are authoritative
for who and when (their rejections map to 403/409/422 in api/errors.py). Every action
takes an `Idempotency-Key`.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.auth import actor, check_visible
from api.complaint_view import ComplaintView, check_complaint_visible, complaint_view
from api.deps import AppSettings, Cipher, CurrentUser, Pool, TemporalClient, Workflows, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from domain.commands import Command
from domain.errors import Conflict, Forbidden, Invalid, NotFound, WrongStage
from domain.models import Actor, Role
from domain.service_models import (
    COMPLAINT_ID_PATTERN,
    ComplaintConfirmationIn,
    ComplaintIn,
    ComplaintReplyIn,
    ComplaintStart,
    ComplaintStatus,
    ConfirmCommand,
    ReplyCommand,
    ServiceAck,
)
from domain.text import Name
from store.complaints import ComplaintAccess, ComplaintPage, claim_complaint, complaint_access, list_complaints
from store.reads import MAX_OFFSET, project_access
from store.users import User
from workflows import search_attributes as sa
from workflows.complaint import ComplaintWorkflow

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])
ComplaintId = Annotated[str, Path(description="The complaint id", pattern=COMPLAINT_ID_PATTERN)]
FILERS = (Role.customer, Role.agent, Role.dept_head, Role.executive, Role.operations)


async def visible_complaint(complaint_id: ComplaintId, user: CurrentUser, pool: Pool) -> ComplaintAccess:
    found = await complaint_access(pool, complaint_id)
    if found is None:
        raise NotFound(f"no complaint {complaint_id}")
    check_complaint_visible(user, found)
    return found


VisibleComplaint = Annotated[ComplaintAccess, Depends(visible_complaint)]


def complaint_id_for(user: User, key: str | None) -> str:
    if key:  # a retried filing names the same complaint
        return "c" + hashlib.sha256(f"{user.id}|{key}".encode()).hexdigest()[:11]
    return "c" + uuid.uuid4().hex[:11]


async def about(pool: Pool, user: User, body: ComplaintIn) -> dict[str, Any] | None:
    """The project the complaint names, if the caller may complain about it."""
    if body.project_id is None:
        if user.role == Role.customer:
            raise Invalid("project_id: a customer complains about one of their projects")
        return None
    project = await project_access(pool, body.project_id)
    if project is None:
        raise NotFound(f"no project {body.project_id}")
    check_visible(user, project)
    row = await pool.fetchrow("SELECT department, agent_id, agent_name, customer_user_id FROM projects WHERE id = $1",
                              body.project_id)  # fmt: skip
    return dict(row)


async def start_complaint(row: dict[str, Any], filer: User, settings: AppSettings, client: TemporalClient) -> None:
    """Start the workflow from the stored row, so that a retry sends the same input."""
    agent = None
    if row["agent_id"]:
        agent = Actor(user_id=row["agent_id"], name=row["agent_name"], role=Role.agent, department=row["department"])
    start = ComplaintStart(complaint_id=row["id"], project_id=row["project_id"], department=row["department"],
                           agent=agent, customer_user_id=row["customer_user_id"], channel=row["channel"],
                           filed_by=actor(filer), filed_at=row["filed_at"])  # fmt: skip
    try:
        await client.start_workflow(
            ComplaintWorkflow.run, start, id=row["workflow_id"], task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            # No customer personal data in Temporal: ids, roles and staff names only.
            static_summary=f"complaint · {row['department'] or 'operations'} · project {row['project_id'] or '—'}",
            search_attributes=TypedSearchAttributes([SearchAttributePair(sa.KIND, "complaint")]),
        )  # fmt: skip
    except WorkflowAlreadyStartedError:
        pass  # a retried filing whose workflow has already finished


@router.post(
    "", status_code=201, response_model=ComplaintView, summary="File a complaint",
    responses={200: {"model": ComplaintView, "description": "A retried filing (same Idempotency-Key): the complaint "
                     "as it is"}, **responses(401, 403, 404, 409, 422)},
)  # fmt: skip
async def file_complaint(
    request: Request, body: ComplaintIn, user: Annotated[User, role(*FILERS, action="file complaints")],
    pool: Pool, client: TemporalClient, workflows: Workflows, cipher: Cipher, settings: AppSettings,
    key: IdempotencyKey = None,
) -> ComplaintView:  # fmt: skip
    """A customer complains about one of their projects (`project_id` required; another's is
    404); staff record a complaint received by phone, e-mail, visit or online, with or without
    a project (one of their department's, for agents and dept_heads). The contact is stored
    encrypted. It goes to the project's dept_head, or to operations when no project is
    named, and owes a first reply and an answer within the policy's working days (the
    answer carries `first_reply_due_at` and `resolution_due_at`)."""
    project = await about(pool, user, body)
    complaint_id = complaint_id_for(user, key)
    customer_user_id = user.id if user.role == Role.customer else (project or {}).get("customer_user_id")

    async def filing(update_id: str | None) -> tuple[int, ComplaintView]:
        created, row = await claim_complaint(pool, complaint_id=complaint_id, body=body, filer=user, project=project,
                                             customer_user_id=customer_user_id, cipher=cipher,
                                             at=datetime.now(UTC))  # fmt: skip
        if row["filed_by_id"] != user.id:
            raise Conflict(f"complaint id {complaint_id} is already taken")
        if row["status"] != ComplaintStatus.closed.value:
            await start_complaint(row, user, settings, client)
            await workflows.update_workflow(row["workflow_id"], ComplaintWorkflow.sync, Command(actor=actor(user)),
                                            result_type=ServiceAck)  # fmt: skip
        found = await complaint_access(pool, complaint_id)
        assert found is not None
        return (201 if created else 200), await complaint_view(pool, cipher, user, found)

    return await once(request, pool, user.id, key, filing)  # type: ignore[no-any-return]


@router.get("", response_model=ComplaintPage, summary="List complaints", responses=responses(401, 403, 422))
async def get_complaints(
    user: CurrentUser, pool: Pool,
    status: Annotated[ComplaintStatus | None, Query(description="Only complaints in this status")] = None,
    overdue: Annotated[bool | None, Query(description="Only complaints with (true) or without (false) a deadline "
                                                      "passed")] = None,
    department: Annotated[Name | None, Query(description="Only this department's complaints")] = None,
    project_id: Annotated[str | None, Query(description="Only complaints about this project",
                                            pattern=COMPLAINT_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> ComplaintPage:  # fmt: skip
    """Newest first, without contacts. Agents and dept_heads see their own department's
    (asking for another is 403); executive, operations and auditor all; a customer their own."""
    customer = None
    if user.role in (Role.agent, Role.dept_head):
        if department is not None and department != user.department:
            raise Forbidden(f"a {user.role.value} of {user.department} cannot list {department}")
        department = user.department
    elif user.role == Role.customer:
        customer = user.id
    return await list_complaints(pool, status=status.value if status else None, overdue=overdue,
                                 department=department, customer_id=customer, project_id=project_id, limit=limit,
                                 offset=offset)  # fmt: skip


@router.get("/{complaint_id}", response_model=ComplaintView, summary="One complaint with its history",
            responses=responses(401, 403, 404, 422))  # fmt: skip
async def get_complaint(complaint: VisibleComplaint, user: CurrentUser, pool: Pool, cipher: Cipher) -> ComplaintView:
    """Its state, deadlines, replies and confirmations (in `history`), the rectification tasks
    it opened and its suggestions. Staff of another department get 403, another customer 404."""
    return await complaint_view(pool, cipher, user, complaint)


class Send:
    """Sends one command to a complaint's workflow, at most once per Idempotency-Key."""

    def __init__(self, request: Request, complaint: VisibleComplaint, pool: Pool, workflows: Workflows,
                 cipher: Cipher, key: IdempotencyKey = None) -> None:  # fmt: skip
        self.request, self.complaint, self.pool, self.workflows, self.cipher, self.key = (
            request, complaint, pool, workflows, cipher, key)

    async def __call__(self, user: User, update: Any, cmd: Command) -> Any:
        c = self.complaint

        async def run(update_id: str | None) -> tuple[int, ComplaintView]:
            if c.status == ComplaintStatus.closed.value:
                raise WrongStage(f"complaint {c.id} is closed")
            await self.workflows.update_workflow(f"complaint-{c.id}", update, cmd, update_id, ServiceAck)
            return 200, await complaint_view(self.pool, self.cipher, user, c)

        return await once(self.request, self.pool, user.id, self.key, run)


ERRORS = responses(401, 403, 404, 409, 422)


@router.post("/{complaint_id}/replies", response_model=ComplaintView, summary="Reply to a complaint",
             responses=ERRORS)  # fmt: skip
async def post_reply(
    user: Annotated[User, role(Role.dept_head, Role.executive, Role.operations, action="reply to complaints")],
    send: Annotated[Send, Depends()], body: ComplaintReplyIn,
) -> ComplaintView:  # fmt: skip
    """The assignee or above (the project's dept_head, the executive, operations) replies. The
    first reply meets the first-reply deadline. A reply that is `resolved`, or that explains
    what could not be solved (`unresolved_reason`), is the answer, sent to the customer, who
    then confirms. `rectification` opens one task per text in the complaint's running project
    (a finished project takes none: recorded as `tasks_not_opened`). 409 once answered or closed."""
    return await send(user, ComplaintWorkflow.reply, ReplyCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]


@router.post("/{complaint_id}/confirmation", response_model=ComplaintView,
             summary="Confirm satisfaction with the answer", responses=ERRORS)  # fmt: skip
async def post_confirmation(
    user: Annotated[User, role(Role.customer, Role.dept_head, Role.executive, Role.operations,
                               action="confirm complaints")],
    send: Annotated[Send, Depends()], body: ComplaintConfirmationIn,
) -> ComplaintView:  # fmt: skip
    """The complaint's customer, or staff who may reply on their behalf, confirms the answer
    with a rating 1–5: satisfied closes it; unsatisfied reopens it for another round. The
    rating counts for the project (its satisfaction warning while it runs) or, after it, raises
    the satisfaction warning for the agent and department when below the threshold."""
    return await send(user, ComplaintWorkflow.confirm, ConfirmCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]
