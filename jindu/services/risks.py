"""The risk register's use cases (RULES §Risk management): read it, add a risk, change one.
Kept by the project's agent or the department's head (domain/risks.py decides); read by
the project's staff. The API (api/routes/risks.py) and the workspace call these."""

from __future__ import annotations

from api.auth import actor
from domain import results
from domain.errors import Forbidden, Invalid, NotFound
from domain.models import STAFF_ROLES, Actor, Role, workflow_id
from domain.risk import RiskStatus
from domain.risk_commands import AddRiskCommand, RiskIn, RiskPatchIn, UpdateRiskCommand
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.reads import ProjectAccess
from store.risks import RiskView, project_risks, risk
from store.users import User, active_users_by_names
from workflows.project import ProjectWorkflow

KEEP = Permit((Role.agent, Role.dept_head), "keep the risk register")


async def owner(office: Office, name: str) -> Actor:
    found = (await active_users_by_names(office.pool, [name])).get(name)
    if found is None or found.role not in STAFF_ROLES:
        raise Invalid(f"owner: no active staff member named {name!r}", "no_active_staff", who=name)
    return actor(found)


async def register(office: Office, user: User, project: ProjectAccess) -> list[RiskView]:
    """Every risk of the project, open and settled, oldest first."""
    if user.role not in STAFF_ROLES:
        raise Forbidden("the risk register is for the project's staff", "register_for_staff")
    return await project_risks(office.pool, project.id)


async def add_risk(office: Office, user: User, project: ProjectAccess, body: RiskIn,
                   key: str | None = None) -> RiskView:  # fmt: skip
    KEEP.check(user)
    cmd = AddRiskCommand(actor=actor(user), body=body, owner=await owner(office, body.owner))
    added = await office.update(workflow_id(project.id), ProjectWorkflow.add_risk, cmd, key, results.RiskAdded)
    found = await risk(office.pool, added.risk_id) if added.risk_id else None
    if found is not None:
        return found
    # A retry of an update applied before a continue-as-new names no risk (domain/results.py).
    rows = await project_risks(office.pool, project.id)
    return max(rows, key=lambda r: (r.created_at, int(r.id.rsplit("-r", 1)[1])))


async def change_risk(office: Office, user: User, project: ProjectAccess, risk_id: str, body: RiskPatchIn,
                      key: str | None = None) -> RiskView:  # fmt: skip
    """`status` `occurred` records a risk event with its loss, `closed` ends the risk."""
    KEEP.check(user)
    found = await risk(office.pool, risk_id)
    if found is None or found.project_id != project.id:
        raise NotFound(f"no risk {risk_id} in project {project.id}", "no_risk", risk_id=risk_id, project_id=project.id)
    if body.status == RiskStatus.open and all(v is None for k, v in body if k != "status"):
        raise Invalid("status open changes nothing: a risk stays open until it occurs or is closed", "risk_stays_open")
    new_owner = await owner(office, body.owner) if body.owner is not None else None
    cmd = UpdateRiskCommand(actor=actor(user), risk_id=risk_id, body=body, owner=new_owner)
    await office.update_project(project.id, ProjectWorkflow.update_risk, cmd, key)
    return await risk(office.pool, risk_id) or found
