"""Deals 成交 and commission (issue 14; RULES §Customers before and around a project).

The project's agent records its deal from `execution` on; its dept head confirms it; the
confirmed deals' figures per agent (count, value, commission) by department and period.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.deps import Pool, ProjectId, StaffUser, VisibleProject, office_of, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from domain.deals import DealIn
from domain.errors import Forbidden, Invalid, NotFound
from domain.models import Role
from jindu.services.deals import CONFIRM, RECORD, confirm, record_deal
from store.deals import AgentDeals, DealView, deal_figures, read_deal
from store.users import User, user_by_name

router = APIRouter(tags=["deals"])
Agent = Annotated[User, role(*RECORD.roles, action=RECORD.action)]
Head = Annotated[User, role(*CONFIRM.roles, action=CONFIRM.action)]


@router.post("/v1/projects/{project_id}/deal", status_code=201, response_model=DealView, summary="Record a deal",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_deal(request: Request, project_id: ProjectId, body: DealIn, user: Agent, project: VisibleProject,
                    pool: Pool, key: IdempotencyKey = None) -> DealView:  # fmt: skip
    """The project's agent, from `execution` on: date, value, commission and the split between
    agents (active agents, percent summing to 100). One deal per project (409 for a second);
    it counts once the dept head confirms it. The project's customer in the master must be
    complete first (409 naming what is missing: a contact, a company's 经营范围). A step of the
    project's DealWorkflow (`deal-<project_id>`), started by this request; the dept head then
    owes the confirmation within the policy's `deal_confirmation` SLA (reminded, escalated)."""

    async def act(update_id: str | None) -> tuple[int, DealView]:
        return 201, await record_deal(office_of(request), user, project, body,
                                      task_queue=request.app.state.settings.task_queue, key=update_id)

    return await once(request, pool, user.id, key, act)  # type: ignore[no-any-return]


@router.get("/v1/projects/{project_id}/deal", response_model=DealView, summary="A project's deal",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_deal(project: VisibleProject, user: StaffUser, pool: Pool) -> DealView:
    """The project's deal 成交 (404 when none), for the project's staff."""
    deal = await read_deal(pool, project.id)
    if deal is None:
        raise NotFound(f"project {project.id} has no deal", "no_deal", project_id=project.id)
    return deal


@router.post("/v1/projects/{project_id}/deal/confirm", response_model=DealView, summary="Confirm a deal",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_confirm(request: Request, project: VisibleProject, user: Head, pool: Pool,
                       key: IdempotencyKey = None) -> DealView:  # fmt: skip
    """The project's dept head confirms its deal (409 when already confirmed): the last step of
    its DealWorkflow, which then ends."""

    async def act(update_id: str | None) -> tuple[int, DealView]:
        return 200, await confirm(office_of(request), user, project, update_id)

    return await once(request, pool, user.id, key, act)  # type: ignore[no-any-return]


class DealFigures(BaseModel):
    since: date
    until: date
    agents: list[AgentDeals] = Field(description="Per agent, largest value first")


@router.get("/v1/deals/figures", response_model=DealFigures, summary="Deal figures per agent",
            responses=responses(401, 403, 422))  # fmt: skip
async def get_figures(
    request: Request, user: StaffUser, pool: Pool,
    department: Annotated[str | None, Query(max_length=100, description="Only this department")] = None,
    agent: Annotated[str | None, Query(max_length=100, description="Only this agent (user name)")] = None,
    since: Annotated[date | None, Query(alias="from", description="First deal date; a year ago by default")] = None,
    until: Annotated[date | None, Query(alias="to", description="Last deal date; today by default")] = None,
) -> DealFigures:  # fmt: skip
    """Confirmed deals: count, value and commission per agent (their parts). Agents see their
    own, dept heads their department, executives, operations and auditors all."""
    today = datetime.now(office_of(request).tz).date()  # the company's day
    until = until or today
    since = since or until - timedelta(days=365)
    if since > until:
        raise Invalid("from: after to", "from_after_to")
    agent_id = None
    if agent is not None:
        found = await user_by_name(pool, agent)
        if found is None:
            raise Invalid(f"agent: no user {agent!r}", "no_one_named", who=agent)
        agent_id = found.id
    if user.role == Role.agent:
        if agent_id not in (None, user.id):
            raise Forbidden("an agent sees their own deals", "own_deals")
        agent_id = user.id
    if user.role == Role.dept_head:
        if department not in (None, user.department):
            raise Forbidden(f"a dept head of {user.department} cannot see {department}",
                            "cannot_list", role=user.role.value, department=user.department, theirs=department)
        department = user.department
    return DealFigures(since=since, until=until,
                       agents=await deal_figures(pool, since=since, until=until, department=department,
                                                 agent_id=agent_id))  # fmt: skip
