"""The risk register of a project (RULES §Risk management): list, add and change risks.

Kept by the project's agent or the department's head at any stage before archiving; read
by the project's staff. A high risk, or an expected loss over the policy's threshold,
notifies the dept_head (and the executive if the policy says so); a risk that occurs is a
risk event on the project's record.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import CurrentUser, Services, VisibleProject
from api.errors import responses
from api.idempotency import once
from api.routes.actions import ERRORS, Act, permitted
from domain.commands import TASK_ID_PATTERN
from domain.risk_commands import RiskIn, RiskPatchIn
from jindu.services import risks
from store.risks import RiskView
from store.users import User

router = APIRouter(prefix="/v1/projects", tags=["risks"])
Keeper = Annotated[User, permitted(risks.KEEP)]
RiskId = Annotated[str, Path(description="A risk id from the register", pattern=TASK_ID_PATTERN)]


@router.get("/{project_id}/risks", response_model=list[RiskView], summary="The project's risk register",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_risks(project: VisibleProject, user: CurrentUser, office: Services) -> list[RiskView]:
    """Every risk of the project, open and settled, oldest first. Staff who may see the project."""
    return await risks.register(office, user, project)


@router.post("/{project_id}/risks", status_code=201, response_model=RiskView, summary="Add a risk",
             responses=ERRORS)  # fmt: skip
async def post_risk(act: Act, user: Keeper, body: RiskIn) -> RiskView:
    """The level comes from likelihood × impact (matrix in docs/risks.md); the expected loss is
    probability × loss amount. The owner (a staff member, by user name) is reminded and
    escalated when the review date passes."""

    async def run(update_id: str | None) -> tuple[int, RiskView]:
        return 201, await risks.add_risk(act.office, user, act.project, body, update_id)

    return await once(act.request, act.pool, user.id, act.key, run)  # type: ignore[no-any-return]


@router.patch("/{project_id}/risks/{risk_id}", response_model=RiskView, summary="Change a risk",
              responses=ERRORS)  # fmt: skip
async def patch_risk(act: Act, user: Keeper, risk_id: RiskId, body: RiskPatchIn) -> RiskView:
    """Change any field; `status` `occurred` records a risk event with its loss (`loss_amount`,
    else the risk's), `closed` ends the risk. A settled risk is 409."""

    async def run(update_id: str | None) -> tuple[int, RiskView]:
        return 200, await risks.change_risk(act.office, user, act.project, risk_id, body, update_id)

    return await once(act.request, act.pool, user.id, act.key, run)  # type: ignore[no-any-return]
