"""Costs 成本 against a project's budget (issue 14, domain/costs.py): recording one is a step of
the project's workflow, its `record_cost` update. The API (api/routes/costs.py) and the
project page's form (web/routes/project_costs.py) call the same use case."""

from __future__ import annotations

from datetime import datetime

from api.auth import actor
from domain import results
from domain.costs import CostCommand, CostIn, check_record
from domain.errors import JinduError
from domain.models import STAFF_ROLES, Role, workflow_id
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.costs import CostsView, project_costs
from store.reads import ProjectAccess
from store.users import User
from workflows.project import ProjectWorkflow

RECORD = Permit((Role.agent, Role.dept_head), "record costs")


async def record_cost(office: Office, user: User, project: ProjectAccess, body: CostIn,
                      key: str | None = None) -> CostsView:  # fmt: skip
    """The workflow's guard decides (its validator); checked here first on the read model, so
    a project whose workflow has ended is refused as before (`costs_stage`), not as finished.
    Answers once the cost's step and row are in PostgreSQL."""
    RECORD.check(user)
    today = datetime.now(office.tz).date()
    check_record(user.role, user.id, user.department, project.agent_id, project.department, project.stage, today,
                 body.spent_on)  # fmt: skip
    cmd = CostCommand(actor=actor(user), body=body)
    await office.update(workflow_id(project.id), ProjectWorkflow.record_cost, cmd, key, results.CostRecorded)
    return await project_costs(office.pool, project.id)



async def sheet(office: Office, user: User, project: ProjectAccess) -> CostsView | None:
    """The costs against the budget, for the project's staff (None: not shown)."""
    if user.role not in STAFF_ROLES:
        return None
    return await project_costs(office.pool, project.id)


def records(office: Office, user: User, project: ProjectAccess) -> bool:
    """Whether the user may record a cost on the project now: the guard's own answer (a cost
    spent today), so the workspace offers its form exactly when the API would take it."""
    today = datetime.now(office.tz).date()
    try:
        check_record(user.role, user.id, user.department, project.agent_id, project.department, project.stage,
                     today, today)  # fmt: skip
    except JinduError:
        return False
    return True
