"""Costs 成本 against a project's budget (issue 14; 000 二(一)3, 002 二(二)2): the project's
agent or dept head records them while the work runs, each a step of the project's workflow
(jindu/services/costs.py); the first cost taking the total past the approved budget raises a
project warning and tells the dept head. Rules in domain/costs.py, rows in store/costs.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import Pool, StaffUser, VisibleProject
from api.errors import responses
from api.idempotency import once
from api.routes.actions import ERRORS, Act, permitted
from domain.costs import CostIn
from jindu.services import costs
from store.costs import CostsView, project_costs
from store.users import User

router = APIRouter(tags=["costs"])
Recorder = Annotated[User, permitted(costs.RECORD)]


@router.post("/v1/projects/{project_id}/costs", status_code=201, response_model=CostsView, summary="Record a cost",
             responses=ERRORS)  # fmt: skip
async def post_cost(act: Act, body: CostIn, user: Recorder) -> CostsView:
    """The project's agent or its dept head, from planning until it ends: `amount` (yuan),
    `description`, `spent_on`. Answers the costs against the budget; the first cost taking the
    total past the budget raises a project warning (reason `over_budget`, analysed by the dept
    head like any other) and tells the dept head (`notify.budget_exceeded`)."""

    async def run(update_id: str | None) -> tuple[int, CostsView]:
        return 201, await costs.record_cost(act.office, user, act.project, body, update_id)

    return await once(act.request, act.pool, user.id, act.key, run)  # type: ignore[no-any-return]


@router.get("/v1/projects/{project_id}/costs", response_model=CostsView, summary="A project's costs against budget",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_costs(project: VisibleProject, user: StaffUser, pool: Pool) -> CostsView:
    """The costs recorded, their total and whether it passed the approved budget (staff)."""
    return await project_costs(pool, project.id)
