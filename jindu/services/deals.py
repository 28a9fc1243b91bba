"""Recording a deal 成交 (issue 14): the project's agent, from `execution` on, with the split
between agents; the API (`POST /v1/projects/{id}/deal`) and the workspace's deal forms (the
customer card's, the project page's) all come here; so do the dept head's confirmation
(`POST …/deal/confirm`, 确认成交 on the card, the project page and the inbox item).

Both are steps of the project's DealWorkflow (`deal-<project_id>`, workflows/deal.py): the
record starts it (update-with-start) and the confirmation is an update to it; its
`record_deal` activity writes `deals`, `deal_parts` and `deal_events` in one transaction, so
what PostgreSQL holds is what Temporal decided. The update id is the caller's
Idempotency-Key: a retry applies once. Deals recorded before migration 0720 have no
workflow; their confirmation is written as before (`confirm_deal`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field

from api.auth import actor
from domain.allowed_actions import passes
from domain.customers import missing_for_contract
from domain.deal_steps import ConfirmDeal, DealAck, DealStart, RecordDeal, fen, parts_in_fen, workflow_id
from domain.deals import DealIn, check_confirm, check_record, parts
from domain.errors import AlreadyDecided, Conflict, Invalid, NotFound, WrongStage
from domain.models import STAFF_ROLES, Role
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.customer_master import read_customer
from store.deals import DealView, confirm_deal, read_deal
from store.reads import ProjectAccess
from store.users import User, active_users_by_names
from workflows.deal import DealWorkflow

RECORD = Permit((Role.agent,), "record deals")
CONFIRM = Permit((Role.dept_head,), "confirm deals")


async def record_deal(office: Office, user: User, project: ProjectAccess, body: DealIn, *, task_queue: str,
                      key: str | None = None) -> DealView:  # fmt: skip
    """Date, value, commission and the split between active agents (percent summing to 100).
    One deal per project (409 for a second); it counts once the dept head confirms it. The
    project's customer in the master must be complete first (409 naming what is missing)."""
    RECORD.check(user)
    check_record(user.id, user.role, project.agent_id, project.stage, datetime.now(office.tz).date(), body.deal_date)
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
    exists = Conflict(f"project {project.id} has a deal already", "deal_exists", project_id=project.id)
    recorded = await office.pool.fetchval("SELECT seq FROM deals WHERE project_id = $1", project.id)
    if recorded is not None and (key is None or recorded == 0):
        raise exists  # not a retry (no key, or a deal older than its workflow): answered without Temporal
    split = parts_in_fen(parts(body.value, body.commission, shares))
    cmd = RecordDeal(actor=actor(user), deal_date=body.deal_date, value_fen=fen(body.value),
                     commission_fen=fen(body.commission), parts=split, attachment_ids=list(body.attachment_ids))
    start = DealStart(project_id=project.id, department=project.department, agent_id=project.agent_id,
                      since=datetime.now(UTC))  # fmt: skip
    try:
        await office.start_with_update(
            DealWorkflow.run, start, wf_id=workflow_id(project.id), task_queue=task_queue, kind="deal",
            summary=f"deal · {project.department} · agent {user.name} · project {project.id}",
            update=DealWorkflow.record, cmd=cmd, result_type=DealAck, update_id=key)  # fmt: skip
    except (WrongStage, NotFound) as err:  # its workflow has ended: the deal was recorded and confirmed
        if await read_deal(office.pool, project.id) is None:
            raise
        raise exists from err
    deal = await read_deal(office.pool, project.id)
    assert deal is not None
    return deal


async def confirm(office: Office, user: User, project: ProjectAccess, key: str | None = None) -> DealView:
    """The project's dept head confirms its deal; only confirmed deals count (409 when it is
    confirmed already, 404 when the project has none)."""
    CONFIRM.check(user)
    deal = await read_deal(office.pool, project.id)
    if deal is None:
        raise NotFound(f"project {project.id} has no deal", "no_deal", project_id=project.id)
    check_confirm(user.role, user.department, project.department, deal.confirmed)
    confirmed = AlreadyDecided("the deal is already confirmed", "deal_confirmed")
    if not await office.pool.fetchval("SELECT seq > 0 FROM deals WHERE project_id = $1", project.id):
        if not await confirm_deal(office.pool, project.id, user.id):  # recorded before its workflow existed
            raise confirmed
    else:
        try:
            await office.update(workflow_id(project.id), DealWorkflow.confirm, ConfirmDeal(actor=actor(user)), key,
                                DealAck)  # fmt: skip
        except (WrongStage, NotFound) as err:  # its workflow ended in between: another confirmation won
            if not (again := await read_deal(office.pool, project.id)) or not again.confirmed:
                raise
            raise confirmed from err
    done = await read_deal(office.pool, project.id)
    assert done is not None
    return done


class DealPanel(BaseModel):
    """A project's deal as its page shows it, and what the reader may do with it now."""

    deal: DealView | None = None
    records: bool = Field(default=False, description="The reader may record the deal now")
    confirms: bool = Field(default=False, description="The reader may confirm it now")


async def panel(office: Office, user: User, project: ProjectAccess) -> DealPanel | None:
    """The project's deal for its staff, and whether the domain's guards (domain/deals.py)
    would take a record or a confirmation from the reader now, so the page offers a form
    exactly when the use case would answer it; None when there is nothing to show."""
    if user.role not in STAFF_ROLES:
        return None
    deal = await read_deal(office.pool, project.id)
    today = datetime.now(office.tz).date()
    found = DealPanel(deal=deal, records=deal is None and passes(
        lambda: check_record(user.id, user.role, project.agent_id, project.stage, today, today)))
    if deal is not None:
        found.confirms = passes(lambda: check_confirm(user.role, user.department, project.department, deal.confirmed))
    return found if deal is not None or found.records else None

