"""Projects: intake, lists and the project view (the use cases: jindu/services/intake.py,
overview.py).

Intake writes the project and its customer in PostgreSQL first (the id is global and
claimed atomically), then starts the project's workflow and answers once the workflow
has recorded the intake, with the project (or, asked `Prefer: return=minimal`, its id,
stage and step). Retrying it — same `id`, or same `Idempotency-Key` — by the same agent
starts nothing twice.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from api.deps import Cipher, CompanyTz, CurrentUser, Pool, Services, StaffUser, VisibleProject, office_of, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.project_view import project_view
from api.routes.actions import Prefer, applied, prefers_minimal
from api.routes.customer_follow_ups import start_following
from api.schemas import ProjectView
from domain.customers import ProjectIntakeIn
from domain.models import Role
from jindu.services.intake import record_consultation
from jindu.services.overview import ProjectQuery, project_list
from jindu.services.projects import Answer
from store.customer_master import Customer
from store.reads import ProjectPage
from store.users import User

router = APIRouter(prefix="/v1/projects", tags=["projects"])


@router.post(
    "", status_code=201, response_model=Answer, summary="Record a consultation and start its project",
    responses={200: {"model": Answer, "description": "The caller's project with this `id` already exists: "
                     "it is returned unchanged (idempotent create)"}, **responses(401, 403, 409, 422)},
)  # fmt: skip
async def create_project(
    request: Request, intake_body: ProjectIntakeIn,
    user: Annotated[User, role(Role.agent, action="record consultations")], key: IdempotencyKey = None,
    prefer: Prefer = None,
) -> Response:  # fmt: skip
    """Consultation intake 客户咨询 by an agent: the customer's data is stored encrypted and the
    project's workflow starts in the agent's department, waiting on the agent's assessment.

    `customer.user` must name an existing account with role `customer` (else 422). A project
    id is unique across the company: repeating a create with the same `id` returns the
    existing project with 200 when the caller created it, and 409 otherwise."""

    # The pool, the office and the settings from the app's state: FastAPI's resolver costs
    # ~5 µs for each dependency it walks, per request (bench/RESULTS.md §1, third pass).
    pool, office, settings = request.app.state.pool, office_of(request), request.app.state.settings
    if prefers_minimal(prefer):  # the project's id, stage and step, not read back (api/routes/actions.py)
        office = office.briefly()

    async def follow(customer: Customer) -> None:
        await start_following(request, customer)

    answered: list[BaseModel] = []

    async def intake(update_id: str | None) -> tuple[int, BaseModel]:
        created, project = await record_consultation(office, user, intake_body, task_queue=settings.task_queue,
                                                     follow=follow, key=key)  # fmt: skip
        answered.append(project)
        return (201 if created else 200), project

    return applied(await once(request, pool, user.id, key, intake), answered)


@router.get("", response_model=ProjectPage, summary="List projects", responses=responses(401, 403, 422))
async def get_projects(user: StaffUser, office: Services, q: Annotated[ProjectQuery, Query()]) -> ProjectPage:
    """Staff only; most recently changed first, without customer personal data. Agents and
    dept_heads see their own department only (asking for another department is 403)."""
    return await project_list(office, user, q)


@router.get("/{project_id}", response_model=ProjectView, summary="One project's current state and history",
            responses=responses(401, 403, 404, 422))  # fmt: skip
async def get_project(project: VisibleProject, user: CurrentUser, pool: Pool, cipher: Cipher,
                      tz: CompanyTz) -> ProjectView:  # fmt: skip
    """Stage, pending action (who, due), milestones, KPIs, approvals, rectification tasks,
    warning and the recorded history, as of the last recorded step (KPIs of a running
    project are computed now). Visible to staff of the project's department, executive,
    operations, auditor and the project's own customer; agents and dept_heads of another
    department get 403, any other customer 404. `customer` holds the decrypted personal
    data for the department's staff, executive, operations and the customer; auditors get
    it masked; others get null."""
    return await project_view(pool, cipher, user, project, tz)
