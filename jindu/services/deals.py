"""Recording a deal 成交 (issue 14): the project's agent, from `execution` on, with the split
between agents; the API (`POST /v1/projects/{id}/deal`) and the workspace's deal form on the
customer card both come here; so do the dept head's confirmation (`POST …/deal/confirm`,
the card's 确认成交 form)."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.customers import missing_for_contract
from domain.deals import DealIn, check_confirm, check_record, parts
from domain.errors import Conflict, Invalid, NotFound
from domain.models import Role
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.customer_master import read_customer
from store.deals import DealView, confirm_deal, insert_deal, read_deal
from store.reads import ProjectAccess
from store.users import User, active_users_by_names

RECORD = Permit((Role.agent,), "record deals")
CONFIRM = Permit((Role.dept_head,), "confirm deals")


async def record_deal(office: Office, user: User, project: ProjectAccess, body: DealIn) -> DealView:
    """Date, value, commission and the split between active agents (percent summing to 100).
    One deal per project (409 for a second); it counts once the dept head confirms it. The
    project's customer in the master must be complete first (409 naming what is missing)."""
    RECORD.check(user)
    check_record(user.id, user.role, project.agent_id, project.stage, datetime.now(UTC).date(), body.deal_date)
    agents = await active_users_by_names(office.pool, [s.agent for s in body.split])
    for s in body.split:
        found = agents.get(s.agent)
        if found is None or found.role != Role.agent:
            raise Invalid(f"split: no active agent {s.agent!r}", "no_active_agent", who=s.agent)
    shares = [(agents[s.agent].id, s.share) for s in body.split]
    linked = await office.pool.fetchval("SELECT customer_id FROM customer_projects WHERE project_id = $1", project.id)
    customer = await read_customer(office.pool, linked, office.cipher) if linked and office.cipher else None
    if customer is not None and (missing := missing_for_contract(customer.name, customer.phone, customer.email,
                                                                 customer.company, customer.business_scope)):
        raise Conflict(f"complete customer {customer.id}'s record before the contract: {', '.join(missing)}",
                       "customer_incomplete", customer_id=customer.id, fields=missing)
    async with office.pool.acquire() as conn, conn.transaction():
        if not await insert_deal(conn, project.id, project.department, body,
                                 parts(body.value, body.commission, shares), user.id):  # fmt: skip
            raise Conflict(f"project {project.id} has a deal already", "deal_exists", project_id=project.id)
    deal = await read_deal(office.pool, project.id)
    assert deal is not None
    return deal


async def confirm(office: Office, user: User, project: ProjectAccess) -> DealView:
    """The project's dept head confirms its deal; only confirmed deals count (409 when it is
    confirmed already, 404 when the project has none)."""
    CONFIRM.check(user)
    deal = await read_deal(office.pool, project.id)
    if deal is None:
        raise NotFound(f"project {project.id} has no deal", "no_deal", project_id=project.id)
    check_confirm(user.role, user.department, project.department, deal.confirmed)
    if not await confirm_deal(office.pool, project.id, user.id):
        raise Conflict("the deal is already confirmed", "deal_confirmed")
    confirmed = await read_deal(office.pool, project.id)
    assert confirmed is not None
    return confirmed
