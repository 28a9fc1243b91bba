"""Costs 成本 against a project's budget (issue 14; 000 二(一)3, 002 二(二)2): the project's
agent or dept head records them while the work runs; the dept head is told when the total
passes the approved budget. Rules in domain/costs.py, rows in store/costs.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request

from api.deps import Pool, StaffUser, VisibleProject, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from domain.costs import CostIn, check_record
from domain.models import Role
from store.costs import CostsView, project_costs, record_cost
from store.users import User

router = APIRouter(tags=["costs"])
Recorder = Annotated[User, role(Role.agent, Role.dept_head, action="record costs")]


@router.post("/v1/projects/{project_id}/costs", status_code=201, response_model=CostsView, summary="Record a cost",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_cost(request: Request, body: CostIn, user: Recorder, project: VisibleProject, pool: Pool,
                    key: IdempotencyKey = None) -> CostsView:  # fmt: skip
    """The project's agent or its dept head, from planning until it ends: `amount` (yuan),
    `description`, `spent_on`. Answers the costs against the budget; the first cost taking the
    total past the budget tells the dept head (`notify.budget_exceeded`)."""
    check_record(user.role, user.id, user.department, project.agent_id, project.department, project.stage,
                 datetime.now(UTC).date(), body.spent_on)  # fmt: skip

    async def act(_: str | None) -> tuple[int, CostsView]:
        await record_cost(pool, project.id, project.department, body, user.id)
        return 201, await project_costs(pool, project.id)

    return await once(request, pool, user.id, key, act)  # type: ignore[no-any-return]


@router.get("/v1/projects/{project_id}/costs", response_model=CostsView, summary="A project's costs against budget",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_costs(project: VisibleProject, user: StaffUser, pool: Pool) -> CostsView:
    """The costs recorded, their total and whether it passed the approved budget (staff)."""
    return await project_costs(pool, project.id)
