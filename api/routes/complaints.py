"""Complaints 投诉 (RULES §Complaints and feedback): filing, lists, one complaint, replies and
the customer's confirmation.

Each action is the HTTP face of a use case (jindu/services/complaints.py), which the
workspace calls too: filing writes the complaint in PostgreSQL first, then starts its
workflow with ids only; replies and confirmations are updates to the complaint's workflow,
whose validators are authoritative for who and when (their refusals map to 403/409/422 in
api/errors.py). Every action takes an `Idempotency-Key`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from api.complaint_view import ComplaintView, complaint_view
from api.deps import AppSettings, Cipher, CurrentUser, Pool, Services
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.routes.actions import permitted
from domain.service_models import (
    COMPLAINT_ID_PATTERN,
    ComplaintConfirmationIn,
    ComplaintIn,
    ComplaintReplyIn,
)
from jindu.services import complaints
from store.complaints import ComplaintAccess, ComplaintPage
from store.users import User

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])
ComplaintId = Annotated[str, Path(description="The complaint id", pattern=COMPLAINT_ID_PATTERN)]


async def visible_complaint(complaint_id: ComplaintId, user: CurrentUser, office: Services) -> ComplaintAccess:
    return await complaints.visible_complaint(office, user, complaint_id)


VisibleComplaint = Annotated[ComplaintAccess, Depends(visible_complaint)]


@router.post(
    "", status_code=201, response_model=ComplaintView, summary="File a complaint",
    responses={200: {"model": ComplaintView, "description": "A retried filing (same Idempotency-Key): the complaint "
                     "as it is"}, **responses(401, 403, 404, 409, 422)},
)  # fmt: skip
async def file_complaint(
    request: Request, body: ComplaintIn, user: Annotated[User, permitted(complaints.FILE)],
    pool: Pool, office: Services, settings: AppSettings, key: IdempotencyKey = None,
) -> ComplaintView:  # fmt: skip
    """A customer complains about one of their projects (`project_id` required; another's is
    404); staff record a complaint received by phone, e-mail, visit or online, with or without
    a project (one of their department's, for agents and dept_heads). The contact is stored
    encrypted. It goes to the project's dept_head, or to operations when no project is
    named, and owes a first reply and an answer within the policy's working days (the
    answer carries `first_reply_due_at` and `resolution_due_at`)."""

    async def filing(update_id: str | None) -> tuple[int, ComplaintView]:
        created, view = await complaints.file_complaint(office, user, body, settings.task_queue, key)
        return (201 if created else 200), view

    return await once(request, pool, user.id, key, filing)  # type: ignore[no-any-return]


@router.get("", response_model=ComplaintPage, summary="List complaints", responses=responses(401, 403, 422))
async def get_complaints(user: CurrentUser, office: Services,
                         q: Annotated[complaints.ComplaintQuery, Query()]) -> ComplaintPage:  # fmt: skip
    """Newest first, without contacts. Agents and dept_heads see their own department's
    (asking for another is 403); executive, operations and auditor all; a customer their own."""
    return await complaints.complaints_page(office, user, q)


@router.get("/{complaint_id}", response_model=ComplaintView, summary="One complaint with its history",
            responses=responses(401, 403, 404, 422))  # fmt: skip
async def get_complaint(complaint: VisibleComplaint, user: CurrentUser, pool: Pool, cipher: Cipher) -> ComplaintView:
    """Its state, deadlines, replies and confirmations (in `history`), the rectification tasks
    it opened and its suggestions. Staff of another department get 403, another customer 404."""
    return await complaint_view(pool, cipher, user, complaint)


class Send:
    """Runs one use case on the visible complaint, at most once per Idempotency-Key."""

    def __init__(self, request: Request, complaint: VisibleComplaint, pool: Pool, office: Services,
                 key: IdempotencyKey = None) -> None:  # fmt: skip
        self.request, self.complaint, self.pool, self.office, self.key = request, complaint, pool, office, key

    async def __call__(self, user: User, use: Any, body: Any) -> Any:
        async def run(update_id: str | None) -> tuple[int, ComplaintView]:
            return 200, await use(self.office, user, self.complaint, body, update_id)

        return await once(self.request, self.pool, user.id, self.key, run)


ERRORS = responses(401, 403, 404, 409, 422)


@router.post("/{complaint_id}/replies", response_model=ComplaintView, summary="Reply to a complaint",
             responses=ERRORS)  # fmt: skip
async def post_reply(user: Annotated[User, permitted(complaints.REPLY)], send: Annotated[Send, Depends()],
                     body: ComplaintReplyIn) -> ComplaintView:  # fmt: skip
    """The assignee or above (the project's dept_head, the executive, operations) replies. The
    first reply meets the first-reply deadline. A reply that is `resolved`, or that explains
    what could not be solved (`unresolved_reason`), is the answer, sent to the customer, who
    then confirms. `rectification` opens one task per text in the complaint's running project
    (a finished project takes none: recorded as `tasks_not_opened`). 409 once answered or closed."""
    return await send(user, complaints.reply, body)  # type: ignore[no-any-return]


@router.post("/{complaint_id}/confirmation", response_model=ComplaintView,
             summary="Confirm satisfaction with the answer", responses=ERRORS)  # fmt: skip
async def post_confirmation(user: Annotated[User, permitted(complaints.CONFIRM)], send: Annotated[Send, Depends()],
                            body: ComplaintConfirmationIn) -> ComplaintView:  # fmt: skip
    """The complaint's customer, or staff who may reply on their behalf, confirms the answer
    with a rating 1–5: satisfied closes it; unsatisfied reopens it for another round. The
    rating counts for the project (its satisfaction warning while it runs) or, after it, raises
    the satisfaction warning for the agent and department when below the threshold."""
    return await send(user, complaints.confirm, body)  # type: ignore[no-any-return]
