"""The risk register of a project (RULES §Risk management): list, add and change risks.

Kept by the project's agent or the department's head at any stage before archiving; read
by the project's staff. A high risk, or an expected loss over the policy's threshold,
notifies the dept_head (and the executive if the policy says so); a risk that occurs is a
risk event on the project's record.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import actor
from api.deps import CurrentUser, Pool, VisibleProject, role
from api.errors import responses
from api.idempotency import once
from api.routes.actions import ERRORS, Act
from domain.commands import TASK_ID_PATTERN
from domain.errors import Forbidden, Invalid, NotFound
from domain.models import STAFF_ROLES, Actor, Role
from domain.risk import RiskStatus
from domain.risk_commands import AddRiskCommand, RiskIn, RiskPatchIn, UpdateRiskCommand
from store.risks import RiskView, project_risks, risk
from store.users import User, active_users_by_names
from workflows.project import ProjectWorkflow

router = APIRouter(prefix="/v1/projects", tags=["risks"])
Keeper = Annotated[User, role(Role.agent, Role.dept_head, action="keep the risk register")]
RiskId = Annotated[str, Path(description="A risk id from the register", pattern=TASK_ID_PATTERN)]


async def owner(pool: Pool, name: str) -> Actor:
    found = (await active_users_by_names(pool, [name])).get(name)
    if found is None or found.role not in STAFF_ROLES:
        raise Invalid(f"owner: no active staff member named {name!r}")
    return actor(found)


@router.get("/{project_id}/risks", response_model=list[RiskView], summary="The project's risk register",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_risks(project: VisibleProject, user: CurrentUser, pool: Pool) -> list[RiskView]:
    """Every risk of the project, open and settled, oldest first. Staff who may see the project."""
    if user.role not in STAFF_ROLES:
        raise Forbidden("the risk register is for the project's staff")
    return await project_risks(pool, project.id)


@router.post("/{project_id}/risks", status_code=201, response_model=RiskView, summary="Add a risk",
             responses=ERRORS)  # fmt: skip
async def post_risk(act: Act, user: Keeper, body: RiskIn, pool: Pool) -> RiskView:
    """The level comes from likelihood × impact (matrix in docs/risks.md); the expected loss is
    probability × loss amount. The owner (a staff member, by user name) is reminded and
    escalated when the review date passes."""
    cmd = AddRiskCommand(actor=actor(user), body=body, owner=await owner(pool, body.owner))

    async def run(update_id: str | None) -> tuple[int, RiskView]:
        ack = await act.workflows.update(act.project.id, ProjectWorkflow.add_risk, cmd, update_id)
        # The risk this update added: its `risk_added` step is the update's last (Ack.seq).
        added = await pool.fetchval("SELECT data->>'risk_id' FROM events WHERE project_id = $1 AND seq = $2 "
                                    "AND kind = 'risk_added'", act.project.id, ack.seq)  # fmt: skip
        found = await risk(pool, added) if added else None
        if found is not None:
            return 201, found
        rows = await project_risks(pool, act.project.id)  # a retry of an update applied before
        return 201, max(rows, key=lambda r: (r.created_at, int(r.id.rsplit("-r", 1)[1])))

    return await once(act.request, pool, user.id, act.key, run)  # type: ignore[no-any-return]


@router.patch("/{project_id}/risks/{risk_id}", response_model=RiskView, summary="Change a risk",
              responses=ERRORS)  # fmt: skip
async def patch_risk(act: Act, user: Keeper, risk_id: RiskId, body: RiskPatchIn, pool: Pool) -> RiskView:
    """Change any field; `status` `occurred` records a risk event with its loss (`loss_amount`,
    else the risk's), `closed` ends the risk. A settled risk is 409."""
    found = await risk(pool, risk_id)
    if found is None or found.project_id != act.project.id:
        raise NotFound(f"no risk {risk_id} in project {act.project.id}")
    if body.status == RiskStatus.open and all(v is None for k, v in body if k != "status"):
        raise Invalid("status open changes nothing: a risk stays open until it occurs or is closed")
    new_owner = await owner(pool, body.owner) if body.owner is not None else None
    cmd = UpdateRiskCommand(actor=actor(user), risk_id=risk_id, body=body, owner=new_owner)

    async def run(update_id: str | None) -> tuple[int, RiskView]:
        await act.workflows.update(act.project.id, ProjectWorkflow.update_risk, cmd, update_id)
        return 200, await risk(pool, risk_id) or found

    return await once(act.request, pool, user.id, act.key, run)  # type: ignore[no-any-return]
