"""Follow-ups 跟进 of the customer master and the customer's workflow (`customer-<id>`).

A registered customer's CustomerWorkflow starts with ids, grade and dates only. A follow-up
is sent to the workflow first (its cadence and the pool rule are the workflow's), then its
content is stored encrypted; a retry with the same Idempotency-Key applies it once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDConflictPolicy

from api.auth import actor
from api.deps import Cipher, Pool, office_of, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from domain.calendar import WorkCalendar, calendar_for
from domain.commands import Command
from domain.customers import can_see
from domain.customers_follow_up import (
    Claim,
    CustomerAck,
    CustomerStart,
    FollowedUp,
    FollowUpIn,
    Regrade,
    entered_on_time,
)
from domain.customers_policy import Grade
from domain.errors import Forbidden, Invalid, NotFound
from domain.models import Role
from jindu.holidays import official_dates
from store.customer_changes import add_follow_up
from store.customer_master import Customer, read_customer
from store.users import User
from workflows import search_attributes as sa
from workflows.customer import CustomerWorkflow

router = APIRouter()
CustomerId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The customer's id")]


def workflow_id(customer_id: str) -> str:
    return f"customer-{customer_id}"


async def start_following(request: Request, customer: Customer, by: User | None = None) -> None:
    """Start the customer's workflow (idempotent: a retried registration finds it running)."""
    state = request.app.state
    start = CustomerStart(customer_id=customer.id, department=customer.department, grade=Grade(customer.grade),
                          since=customer.created_at)  # fmt: skip
    await state.client.start_workflow(
        CustomerWorkflow.run, start, id=workflow_id(customer.id), task_queue=state.settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        static_summary=f"customer {customer.id} · {customer.department}",
        search_attributes=TypedSearchAttributes([SearchAttributePair(sa.KIND, "customer")]),
    )  # fmt: skip
    if by is not None:  # until its first step is recorded: the answer shows the first follow-up's date
        await office_of(request).update(workflow_id(customer.id), CustomerWorkflow.sync, Command(actor=actor(by)),
                                        None, CustomerAck)  # fmt: skip


async def regrade(request: Request, customer: Customer, user: User) -> None:
    cmd = Regrade(actor=actor(user), grade=Grade(customer.grade))
    await office_of(request).update(workflow_id(customer.id), CustomerWorkflow.regrade, cmd, None, CustomerAck)


async def claimed(request: Request, customer: Customer, user: User) -> None:
    await office_of(request).update(workflow_id(customer.id), CustomerWorkflow.claim, Claim(actor=actor(user)),
                                    f"claim-{customer.id}-{customer.updated_at.timestamp()}", CustomerAck)  # fmt: skip


class FollowUpRecorded(BaseModel):
    id: str
    customer_id: str
    on_time: bool
    status: str
    next_due_at: datetime | None


def company_calendar(request: Request, at: datetime) -> WorkCalendar:
    """The calendar a follow-up's timeliness is judged on (what the API knows now; the
    workflow decides its own dates from its history)."""
    return calendar_for(request.app.state.policy.calendar, official_dates(at.year))


@router.post("/{customer_id}/follow-ups", status_code=201, response_model=FollowUpRecorded,
             summary="Record a follow-up", responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_follow_up(request: Request, customer_id: CustomerId, body: FollowUpIn, pool: Pool, cipher: Cipher,
                         user: Annotated[User, role(Role.agent, Role.dept_head, action="record follow-ups")],
                         key: IdempotencyKey = None) -> FollowUpRecorded:  # fmt: skip
    """The owner (or the dept head) records a call, visit, WeChat or viewing: the next
    follow-up falls due by grade or on `next_on` if earlier. A visit entered more than the
    policy's minutes after it happened, or a contact not entered on its own working day,
    counts as late."""
    found = await read_customer(pool, customer_id, cipher)
    if found is None or not can_see(user.role, user.id, user.department, found.access()):
        raise NotFound(f"no customer {customer_id}")
    if user.role == Role.agent and found.owner_id != user.id:
        raise Forbidden("only the customer's owner records its follow-ups: claim it from the pool first")
    now = datetime.now(UTC)
    happened = body.happened_at or now
    if happened.tzinfo is None:
        raise Invalid("happened_at: give a time zone")
    if happened > now:
        raise Invalid("happened_at: in the future")
    policy = request.app.state.policy
    on_time = entered_on_time(body.way, happened, now, company_calendar(request, happened), policy.customers,
                              policy.calendar.working_hours)  # fmt: skip

    async def act(update_id: str | None) -> tuple[int, FollowUpRecorded]:
        fid = "f" + (update_id[-15:] if update_id else uuid.uuid4().hex[:15])
        cmd = FollowedUp(actor=actor(user), follow_up_id=fid, way=body.way, happened_at=happened,
                         next_on=body.next_on, grade=body.grade)  # fmt: skip
        ack: CustomerAck = await office_of(request).update(workflow_id(found.id), CustomerWorkflow.follow_up, cmd,
                                                           update_id, CustomerAck)  # fmt: skip
        await add_follow_up(pool, cipher, found.id, follow_up_id=fid, way=body.way.value, content=body.content,
                            happened_at=happened, next_on=body.next_on,
                            grade=body.grade.value if body.grade else None, by=user, on_time=on_time)  # fmt: skip
        return 201, FollowUpRecorded(id=fid, customer_id=found.id, on_time=on_time, status=ack.status,
                                     next_due_at=ack.due_at)  # fmt: skip

    return await once(request, pool, user.id, key, act)  # type: ignore[no-any-return]
