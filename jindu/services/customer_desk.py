"""The front office's actions on a customer (issue 14): register, follow up, claim from the
pool, transfer to another agent. The API's routes (api/routes/customers.py,
customer_follow_ups.py) and the workspace's forms (web/routes/customer_forms.py) both call
these: who may ask is stated here once (`Permit`), the rules are domain/customers*.py's and
the customer's workflow's (`customer-<id>`), which holds ids, grade and dates only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel

from api.auth import actor
from domain.calendar import calendar_for
from domain.commands import Command
from domain.customers import CustomerCreateIn, TransferIn, can_see, check_transfer
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
from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.models import Role
from domain.policy import ProjectPolicy
from jindu.holidays import official_dates
from jindu.services.customers import register
from jindu.services.office import Office
from jindu.services.projects import Permit
from store import keyed_actions
from store.crypto import DataCipher
from store.customer_changes import add_follow_up, transfer
from store.customer_master import Customer, read_customer
from store.users import User, user_by_name
from workflows.customer import CustomerWorkflow

REGISTER = Permit((Role.agent, Role.dept_head, Role.customer_service), "register customers")
FOLLOW_UP = Permit((Role.agent, Role.dept_head), "record follow-ups")
TRANSFER = Permit((Role.dept_head, Role.operations), "transfer customers")
CLAIM = Permit((Role.agent,), "claim customers")


def workflow_id(customer_id: str) -> str:
    return f"customer-{customer_id}"


def data_cipher(office: Office) -> DataCipher:
    if office.cipher is None:
        raise Invalid("customer data cannot be read or stored without the data key", "needs_data_key")
    return office.cipher


async def visible_customer(office: Office, user: User, customer_id: str) -> Customer:
    """The customer, if `user` may see it (404 else: a stranger learns nothing)."""
    found = await read_customer(office.pool, customer_id, data_cipher(office))
    if found is None or not can_see(user.role, user.id, user.department, found.access()):
        raise NotFound(f"no customer {customer_id}", "no_customer", customer_id=customer_id)
    return found


async def start_following(office: Office, task_queue: str, customer: Customer, by: User | None = None) -> None:
    """Start the customer's workflow (a retried registration finds it running); with `by`, wait
    until its first step is recorded, so the answer shows the first follow-up's date."""
    # registered for its owner by someone else: a consultation awaiting the owner's first response
    first = by is not None and customer.owner_id is not None and customer.owner_id != by.id
    start = CustomerStart(customer_id=customer.id, department=customer.department, grade=Grade(customer.grade),
                          since=customer.created_at, first_response=first)  # fmt: skip
    await office.start(CustomerWorkflow.run, start, wf_id=workflow_id(customer.id), task_queue=task_queue,
                       kind="customer", summary=f"customer {customer.id} · {customer.department}")  # fmt: skip
    if by is not None:
        await office.update(workflow_id(customer.id), CustomerWorkflow.sync, Command(actor=actor(by)), None,
                            CustomerAck)  # fmt: skip


async def register_customer(office: Office, user: User, body: CustomerCreateIn, *, task_queue: str,
                            update_id: str | None = None) -> Customer:  # fmt: skip
    """首问: an agent owns what they register; a dept head or customer service names the owner
    or, for a walk-in or a call, rotation 轮值 does. The same phone or e-mail again is 409."""
    REGISTER.check(user)
    cipher = data_cipher(office)
    cid = "c" + update_id[-15:] if update_id else None  # a retry names the same customer
    done = await register(office.pool, cipher, user, body, cid)
    await start_following(office, task_queue, done.customer, user)
    return await read_customer(office.pool, done.customer.id, cipher) or done.customer


async def regrade(office: Office, customer: Customer, user: User) -> None:
    cmd = Regrade(actor=actor(user), grade=Grade(customer.grade))
    await office.update(workflow_id(customer.id), CustomerWorkflow.regrade, cmd, None, CustomerAck)


class FollowUpRecorded(BaseModel):
    id: str
    customer_id: str
    on_time: bool
    status: str
    next_due_at: datetime | None


async def record_follow_up(office: Office, user: User, customer_id: str, body: FollowUpIn, policy: ProjectPolicy,
                           update_id: str | None = None) -> FollowUpRecorded:  # fmt: skip
    """The owner (or the dept head) records a call, visit, WeChat or viewing: sent to the
    customer's workflow first (its cadence), then its content stored encrypted. A visit
    entered later than the policy's SLA `visit_registration`, or a contact not on its working day, is late."""
    FOLLOW_UP.check(user)
    found = await visible_customer(office, user, customer_id)
    if user.role == Role.agent and found.owner_id != user.id:
        raise Forbidden("only the customer's owner records its follow-ups: claim it from the pool first",
                        "follow_up_by_owner")
    now = datetime.now(UTC)
    happened = body.happened_at or now
    if happened.tzinfo is None:
        raise Invalid("happened_at: give a time zone", "time_zone_needed")
    if happened > now:
        raise Invalid("happened_at: in the future", "in_future")
    # The calendar known now; the workflow decides its own dates from its history.
    calendar = calendar_for(policy.calendar, official_dates(happened.year))
    on_time = entered_on_time(body.way, happened, now, calendar, policy.sla("visit_registration"),
                              policy.calendar.working_hours)  # fmt: skip
    fid = "f" + (update_id[-15:] if update_id else uuid.uuid4().hex[:15])
    cmd = FollowedUp(actor=actor(user), follow_up_id=fid, way=body.way, happened_at=happened, next_on=body.next_on,
                     grade=body.grade)  # fmt: skip
    ack: CustomerAck = await office.update(workflow_id(found.id), CustomerWorkflow.follow_up, cmd, update_id,
                                           CustomerAck)  # fmt: skip
    await add_follow_up(office.pool, data_cipher(office), found.id, follow_up_id=fid, way=body.way.value,
                        content=body.content, happened_at=happened, next_on=body.next_on,
                        grade=body.grade.value if body.grade else None, by=user, on_time=on_time)  # fmt: skip
    return FollowUpRecorded(id=fid, customer_id=found.id, on_time=on_time, status=ack.status, next_due_at=ack.due_at)


async def claim_customer(office: Office, user: User, customer_id: str) -> Customer:
    """An agent takes a customer of their department's pool 公海; its cadence starts again.

    One truth: the customer's workflow decides (it alone knows whether the customer is in the
    pool now) and its recording activity writes the new owner, as a project's steps are
    written. A refused claim writes nothing; of two agents claiming at once, the workflow
    applies one claim and refuses the other (not in the pool any more)."""
    CLAIM.check(user)
    c = await visible_customer(office, user, customer_id)
    if c.owner_id is not None or c.department != user.department:
        raise Conflict(f"customer {c.id} is not in your department's pool", "not_in_our_pool", customer_id=c.id)
    # The same agent's retry of this claim applies once; another agent's is another update.
    update_id = f"claim-{c.id}-{user.id}-{c.updated_at.timestamp()}"
    await office.update(workflow_id(c.id), CustomerWorkflow.claim, Claim(actor=actor(user)), update_id, CustomerAck)
    claimed = await read_customer(office.pool, c.id, data_cipher(office))
    if claimed is None:  # disposed of meanwhile
        raise NotFound(f"no customer {c.id}", "no_customer", customer_id=c.id)
    return claimed


class Transferred(BaseModel):
    moved: int
    customer_ids: list[str]


async def transfer_customers(office: Office, user: User, body: TransferIn, key: str | None = None) -> Transferred:
    """A departing agent's book (or the customers named) to another agent of the department
    (a dept head) or of any department (operations); each change logged, the new owner told.
    With the workspace form's `key` it applies once: a form sent twice answers the first
    transfer (store/keyed_actions.py)."""
    TRANSFER.check(user)
    source, target = await user_by_name(office.pool, body.from_), await user_by_name(office.pool, body.to)
    if source is None:
        raise Invalid(f"from: no user {body.from_!r}", "no_one_named", who=body.from_)
    if target is None:
        raise Invalid(f"to: no user {body.to!r}", "no_one_named", who=body.to)
    if source.id == target.id:
        raise Invalid("to: the same person as from", "same_person")
    check_transfer(user.role, user.department, source.department, target.role, target.department)
    async with office.pool.acquire() as conn, conn.transaction():
        asked = body.model_dump_json(by_alias=True)
        first = await keyed_actions.first_answer(conn, user.id, key, asked) if key else None
        if first is not None:
            return Transferred.model_validate(first)
        moved = await transfer(conn, from_id=source.id, to=target, customer_ids=body.customer_ids,
                               reason=body.reason, by=user)  # fmt: skip
        done = Transferred(moved=len(moved), customer_ids=moved)
        if key:
            await keyed_actions.keep(conn, user.id, key, done.model_dump(mode="json"))
    return done
