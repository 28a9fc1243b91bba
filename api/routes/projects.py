"""Projects: intake, lists and the project view.

Intake writes the project and its customer in PostgreSQL first (the id is global and
claimed atomically), then starts the project's workflow and answers once the workflow
has recorded the intake. Retrying it — same `id`, or same `Idempotency-Key` — by the
same agent starts nothing twice.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth import actor
from api.deps import (
    AppSettings,
    Cipher,
    CompanyTz,
    CurrentUser,
    Pool,
    Services,
    StaffUser,
    VisibleProject,
    role,
)
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.project_view import project_view
from api.routes.customer_follow_ups import start_following
from api.schemas import ProjectView
from domain.commands import Command, ProjectCreateIn
from domain.customers import ProjectIntakeIn
from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.models import Channel, Role, Stage, workflow_id
from domain.project import ProjectStart
from domain.text import Name
from jindu.services.customers import intake_customer
from jindu.services.office import Office
from store.customer_master import link_project
from store.intake import claim_project
from store.reads import MAX_OFFSET, ProjectPage, list_projects, parse_cursor, project_access
from store.users import User, user_by_name
from workflows.project import ProjectWorkflow

router = APIRouter(prefix="/v1/projects", tags=["projects"])


def project_id_for(body: ProjectCreateIn, user: User, key: str | None) -> str:
    if body.id:
        return body.id
    if key:  # a retried create without an id names the same project
        return "p" + hashlib.sha256(f"{user.id}|{key}".encode()).hexdigest()[:11]
    return uuid.uuid4().hex[:12]


@router.post(
    "", status_code=201, response_model=ProjectView, summary="Record a consultation and start its project",
    responses={200: {"model": ProjectView, "description": "The caller's project with this `id` already exists: "
                     "it is returned unchanged (idempotent create)"}, **responses(401, 403, 409, 422)},
)  # fmt: skip
async def create_project(
    request: Request, intake_body: ProjectIntakeIn,
    user: Annotated[User, role(Role.agent, action="record consultations")],
    pool: Pool, office: Services, cipher: Cipher,
    settings: AppSettings, tz: CompanyTz, key: IdempotencyKey = None,
) -> ProjectView:  # fmt: skip
    """Consultation intake 客户咨询 by an agent: the customer's data is stored encrypted and the
    project's workflow starts in the agent's department, waiting on the agent's assessment.

    `customer.user` must name an existing account with role `customer` (else 422). A project
    id is unique across the company: repeating a create with the same `id` returns the
    existing project with 200 when the caller created it, and 409 otherwise."""
    body, master = await intake_customer(pool, cipher, user, intake_body)  # the customer master (issue 14)
    if master is not None and master.customer.follow_up_stage is None:  # new, or its workflow not started yet
        await start_following(request, master.customer)
    customer_user = None
    assert body.customer is not None
    if body.customer.user is not None:
        customer_user = await user_by_name(pool, body.customer.user)
        if customer_user is None or customer_user.role != Role.customer:
            raise Invalid(f"customer.user: no customer account named {body.customer.user!r}")
    project_id = project_id_for(body, user, key)

    async def intake(update_id: str | None) -> tuple[int, ProjectView]:
        created, row = await claim_project(pool, project_id=project_id, agent=user, body=body, cipher=cipher,
                                           customer_user_id=customer_user.id if customer_user else None,
                                           at=datetime.now(UTC))  # fmt: skip
        if row["agent_id"] != user.id:
            raise Conflict(f"project id {project_id} is already taken")
        if master is not None:
            await link_project(pool, project_id, master.customer.id)
        if row["stage"] == Stage.intake.value:
            await start_project(row, user, settings, office)
            await office.update_project(project_id, ProjectWorkflow.sync, Command(actor=actor(user)))
        project = await project_access(pool, project_id)
        if project is None:
            raise NotFound(f"no project {project_id}")
        return (201 if created else 200), await project_view(pool, cipher, user, project, tz)

    return await once(request, pool, user.id, key, intake)  # type: ignore[no-any-return]


async def start_project(row: dict, user: User, settings: AppSettings, office: Office) -> None:
    """Start the workflow from the stored row, so that a retry sends the same input."""
    created_at: datetime = row["created_at"]
    start = ProjectStart(
        version=2, project_id=row["id"], department=row["department"], business_type=row["business_type"],
        channel=Channel(row["channel"]), agent=actor(user), customer_user_id=row["customer_user_id"],
        created_at=created_at,  # the worker records the policy and the official dates when it starts
    )  # fmt: skip
    summary = f"{row['business_type']} · {row['department']} · agent {user.name} · project {row['id']}"
    await office.start(ProjectWorkflow.run, start.model_dump(mode="json"), wf_id=workflow_id(row["id"]),
                       task_queue=settings.task_queue, kind="project", summary=summary)  # fmt: skip


@router.get("", response_model=ProjectPage, summary="List projects", responses=responses(401, 403, 422))
async def get_projects(
    user: StaffUser,
    pool: Pool,
    stage: Annotated[Stage | None, Query(description="Only projects in this stage")] = None,
    department: Annotated[Name | None, Query(description="Only this department's projects")] = None,
    overdue: Annotated[bool | None, Query(description="Only projects with (true) or without (false) "
                                                      "an overdue action or task")] = None,
    warning: Annotated[bool | None, Query(description="Only projects with (true) or without (false) "
                                                      "an active progress warning")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
    after: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page: the "
                                                                   "page after it (offset is then ignored)")] = None,
) -> ProjectPage:  # fmt: skip
    """Staff only; most recently changed first, without customer personal data. Agents and
    dept_heads see their own department only (asking for another department is 403)."""
    if user.role in (Role.agent, Role.dept_head):
        if department is not None and department != user.department:
            raise Forbidden(f"a {user.role.value} of {user.department} cannot list {department}")
        department = user.department
    try:
        cursor = parse_cursor(after) if after is not None else None
    except ValueError as err:
        raise Invalid(f"after: {err}") from err
    return await list_projects(pool, stage=stage.value if stage else None, department=department,
                               overdue=overdue, warning=warning, limit=limit, offset=offset,
                               after=cursor)  # fmt: skip


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
