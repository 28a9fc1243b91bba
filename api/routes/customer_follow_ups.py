"""Follow-ups 跟进 of the customer master and the customer's workflow (`customer-<id>`).

A registered customer's CustomerWorkflow starts with ids, grade and dates only. A follow-up
is sent to the workflow first (its cadence and the pool rule are the workflow's), then its
content is stored encrypted; a retry with the same Idempotency-Key applies it once. The use
cases are jindu/services/customer_desk.py's, the same the workspace's forms call.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.deps import Pool, office_of, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from domain.customers_follow_up import FollowUpIn
from jindu.services import customer_desk as desk
from jindu.services.customer_desk import FollowUpRecorded
from store.customer_master import Customer
from store.users import User

router = APIRouter()
CustomerId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The customer's id")]
workflow_id = desk.workflow_id


async def start_following(request: Request, customer: Customer, by: User | None = None) -> None:
    """Start the customer's workflow (idempotent: a retried registration finds it running)."""
    await desk.start_following(office_of(request), request.app.state.settings.task_queue, customer, by)


@router.post("/{customer_id}/follow-ups", status_code=201, response_model=FollowUpRecorded,
             summary="Record a follow-up", responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_follow_up(request: Request, customer_id: CustomerId, body: FollowUpIn, pool: Pool,
                         user: Annotated[User, role(*desk.FOLLOW_UP.roles, action=desk.FOLLOW_UP.action)],
                         key: IdempotencyKey = None) -> FollowUpRecorded:  # fmt: skip
    """The owner (or the dept head) records a call, visit, WeChat or viewing: the next
    follow-up falls due by grade or on `next_on` if earlier. A visit entered more than the
    policy's minutes after it happened, or a contact not entered on its own working day,
    counts as late."""

    async def act(update_id: str | None) -> tuple[int, FollowUpRecorded]:
        return 201, await desk.record_follow_up(office_of(request), user, customer_id, body,
                                                request.app.state.policy, update_id)  # fmt: skip

    return await once(request, pool, user.id, key, act)  # type: ignore[no-any-return]
