"""Customer master use cases the API, the intake and the workspace share: register a
customer (one record per phone; first receiver or rotation owns it) and match an intake's
inline customer to the master."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from domain.commands import CustomerIn, ProjectCreateIn
from domain.customers import (
    CustomerCreateIn,
    ProjectIntakeIn,
    Receiver,
    Source,
    can_see,
    first_owner,
    normalise_email,
    normalise_phone,
)
from domain.errors import Conflict, Invalid
from domain.models import Role
from store.crypto import DataCipher
from store.customer_changes import notify
from store.customer_master import (
    Customer,
    Existing,
    advance_rotation,
    find_by_contact,
    insert_customer,
    last_in_rotation,
    on_duty_agents,
    read_customer,
)
from store.users import User, user_by_name


@dataclass(frozen=True)
class Registered:
    customer: Customer
    rotated: bool
    new: bool = True


def duplicate(existing: Existing, user: User) -> Conflict:
    """Within the department the owner is named (a repeat contact goes to them); across
    departments nothing of the customer is revealed."""
    if existing.department == user.department:
        whose = f"the customer of {existing.owner}" if existing.owner else "in the department's pool"
        return Conflict(f"this customer is already registered: {existing.id}, {whose}",
                        "customer_registered", customer_id=existing.id)
    return Conflict("a customer with this phone or e-mail is already registered", "customer_exists")


async def register(pool: asyncpg.Pool, cipher: DataCipher, user: User, body: CustomerCreateIn,
                   customer_id: str | None = None) -> Registered:  # fmt: skip
    """`customer_id` (from an Idempotency-Key) makes a retry find the customer its first try
    registered, so a registration cut short before its workflow started can be finished."""
    if customer_id is not None and (mine := await read_customer(pool, customer_id, cipher)) is not None:
        if await pool.fetchval("SELECT created_by FROM customer_master WHERE id = $1", customer_id) == user.id:
            return Registered(mine, False, new=False)
    named, department = None, user.department
    if body.owner is not None:
        agent = await user_by_name(pool, body.owner)
        if department is None and user.role == Role.customer_service and agent is not None:
            department = agent.department  # company-wide customer service: the named agent's department
        if agent is None or agent.role != Role.agent or agent.department != department:
            raise Invalid(f"owner: no agent {body.owner!r} in {department or 'a department'}",
                          "no_agent_in", who=body.owner, department=department or '')
        named = agent.id
    if department is None:
        if user.role == Role.customer_service:
            raise Invalid("owner: name the agent who takes the customer", "owner_takes")
        raise Invalid("customers are registered in a department: the caller has none", "caller_no_department")
    user = user.model_copy(update={"department": department})
    account = None
    if body.user is not None:
        account = await user_by_name(pool, body.user)
        if account is None or account.role != Role.customer:
            raise Invalid(f"user: no customer account named {body.user!r}", "no_customer_account", who=body.user)
    known = await find_by_contact(pool, cipher, phone=body.phone, email=body.email)
    if known is not None:
        if known.department == user.department and known.owner_id not in (None, user.id):
            # A repeat contact goes to the owner (004 第4篇 §2): they are told who took it.
            await notify(pool, f"repeat-{known.id}-{uuid.uuid4().hex[:8]}", "customer.repeat_contact",
                         Role.agent.value, known.owner_id, user.department,
                         {"customer_id": known.id, "by": user.name}, path=f"/customers/{known.id}")  # fmt: skip
        raise duplicate(known, user)
    async with pool.acquire() as conn, conn.transaction():
        existing = await find_by_contact(conn, cipher, phone=body.phone, email=body.email)
        if existing is not None:
            raise duplicate(existing, user)
        receiver = Receiver(user_id=user.id, role=user.role, department=user.department)
        on_duty: list[str] = []
        last = None
        if user.role != Role.agent:
            on_duty = await on_duty_agents(conn, user.department)
            last = await last_in_rotation(conn, user.department) if named is None else None
        owner, rotated = first_owner(receiver, body.source, on_duty, last, named)
        if rotated:
            await advance_rotation(conn, user.department, owner)
        cid = await insert_customer(conn, cipher, body, department=user.department, owner_id=owner, by=user.id,
                                    user_id=account.id if account else None, customer_id=customer_id)  # fmt: skip
        if cid is None:  # registered by someone else a moment ago
            raise duplicate(await find_by_contact(conn, cipher, phone=body.phone, email=body.email)
                            or Existing(id="", department="", owner_id=None, owner=None), user)  # fmt: skip
        if rotated:  # the agent rotation chose is told (every change of owner is)
            await notify(conn, f"customer-{cid}:assigned", "customer.assigned", Role.agent.value, owner,
                         user.department, {"customer_id": cid, "how": "轮值 rotation"}, path=f"/customers/{cid}")
        customer = await read_customer(conn, cid, cipher)
    assert customer is not None
    return Registered(customer, rotated)


async def match_intake(pool: asyncpg.Pool, cipher: DataCipher, agent: User,
                       inline: CustomerIn, channel: str) -> Registered | None:  # fmt: skip
    """The master's customer for an intake's inline customer: the department's customer
    with that phone or e-mail, else a new one owned by the agent. None when the contact is
    another department's customer or unusable (the intake keeps working without a link)."""
    try:
        phone = normalise_phone(inline.phone) if inline.phone else None
        email = normalise_email(inline.email) if inline.email else None
    except ValueError:
        return None
    if phone is None and email is None:
        return None
    existing = await find_by_contact(pool, cipher, phone=phone, email=email)
    if existing is not None:
        if existing.department != agent.department:
            return None
        found = await read_customer(pool, existing.id, cipher)
        return Registered(found, False, new=False) if found else None
    source = {"phone": Source.phone, "visit": Source.walk_in, "online": Source.online}.get(channel, Source.other)
    body = CustomerCreateIn(name=inline.name, phone=phone, email=email, company=inline.company or None,
                            source=source)  # fmt: skip
    try:
        return await register(pool, cipher, agent, body)
    except Conflict:
        return None


async def intake_customer(pool: asyncpg.Pool, cipher: DataCipher, agent: User,
                          body: ProjectIntakeIn) -> tuple[ProjectCreateIn, Registered | None]:  # fmt: skip
    """An intake's customer: the master's `customer_id` (the agent's own or their department's
    pool; its details fill the project's customer when no inline one is given), or the
    inline customer matched to the master by phone or e-mail, or created in it."""
    fields = body.model_dump(exclude={"customer_id", "customer"}, exclude_none=True)
    if body.customer_id is None:
        assert body.customer is not None
        matched = await match_intake(pool, cipher, agent, body.customer, body.channel.value)
        return ProjectCreateIn(**fields, customer=body.customer), matched
    found = await read_customer(pool, body.customer_id, cipher)
    if found is None or not can_see(agent.role, agent.id, agent.department, found.access()):
        raise Invalid(f"customer_id: no customer {body.customer_id} of yours",
                      "not_your_customer", customer_id=body.customer_id)
    inline = body.customer or CustomerIn(name=found.name or "—", phone=found.phone, email=found.email,
                                         company=found.company)  # fmt: skip
    return ProjectCreateIn(**fields, customer=inline), Registered(found, False, new=False)
