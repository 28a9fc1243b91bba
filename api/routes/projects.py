"""Projects: intake, lists, the project view, and every decision sent to its workflow.

Routes check who may call and whether the project is visible; the workflow's update
validators are authoritative for stage, ownership and duplicates (their rejections are
mapped in api/errors.py). After an update returns the step is already in PostgreSQL, so
the answer is read from there.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Query, Response
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api.auth import CustomerAccess, actor, customer_access
from api.deps import (
    AppSettings,
    Cipher,
    CurrentUser,
    Policy,
    Pool,
    StaffUser,
    ProjectWorkflows,
    TemporalClient,
    VisibleProject,
    Workflows,
    role,
)
from api.errors import responses
from api.schemas import CustomerView, ProjectView, masked_customer
from domain.errors import AlreadyDecided, Conflict, Forbidden, Invalid, NotFound, WrongStage
from domain.models import (
    STAFF_ROLES,
    TERMINAL_STAGES,
    AcceptanceCommand,
    AcceptanceIn,
    AssessCommand,
    AssessmentIn,
    CancelCommand,
    CancelIn,
    Command,
    DecideCommand,
    DecisionIn,
    PlanCommand,
    PlanIn,
    ProjectCreateIn,
    ProjectStart,
    ReportCommand,
    ResultsCommand,
    ResultsIn,
    Role,
    Stage,
    WarningAnalysisCommand,
    WarningAnalysisIn,
    WeeklyReportIn,
    workflow_id,
)
from store.crypto import DataCipher
from store.customers import dispose_after_relationship, insert_customer, read_customer
from store.reads import ProjectAccess, ProjectPage, list_projects, project_access, project_history, project_record
from store.users import User, user_by_name, users_by_names

router = APIRouter(prefix="/v1/projects", tags=["projects"])



def _now() -> datetime:
    return datetime.now(UTC)


async def project_view(pool: asyncpg.Pool, cipher: DataCipher, user: User, project: ProjectAccess) -> ProjectView:
    record = await project_record(pool, project.id)
    if record is None:
        raise NotFound(f"no project {project.id}")
    customer = None
    access = customer_access(user, project)
    if access != CustomerAccess.none:
        data = await read_customer(pool, project.id, cipher)
        if data is not None:
            customer = CustomerView(**data) if access == CustomerAccess.full else masked_customer(data)
    return ProjectView.of(record, await project_history(pool, project.id), customer)


async def _update(workflows: ProjectWorkflows, pool: asyncpg.Pool, cipher: DataCipher, user: User,
                  project: ProjectAccess, name: str, cmd: Command) -> ProjectView:
    await workflows.update(project.id, name, cmd)
    return await project_view(pool, cipher, user, project)


# --------------------------------------------------------------------------- intake


@router.post(
    "",
    status_code=201,
    response_model=ProjectView,
    summary="Record a consultation and start its project",
    responses={200: {"model": ProjectView, "description": "A project with this `id` already exists in the "
                     "caller's department: it is returned unchanged (idempotent create)"},
               **responses(401, 403, 409, 422)},
)
async def create_project(
    body: ProjectCreateIn,
    user: Annotated[User, role(Role.agent, action="record consultations")],
    response: Response,
    pool: Pool,
    client: TemporalClient,
    workflows: Workflows,
    cipher: Cipher,
    policy: Policy,
    settings: AppSettings,
) -> ProjectView:
    """Consultation intake 客户咨询 by an agent: the customer's data is stored encrypted and the
    project's workflow starts in the agent's department, waiting on the agent's assessment.

    `customer.user` must name an existing account with role `customer` (else 422). Repeating a
    create with the same `id` returns the existing project with 200 when it belongs to the
    caller's department, and 409 otherwise."""
    customer_user = None
    if body.customer.user is not None:
        customer_user = await user_by_name(pool, body.customer.user)
        if customer_user is None or customer_user.role != Role.customer:
            raise Invalid(f"customer.user: no customer account named {body.customer.user!r}")
    project_id = body.id or uuid.uuid4().hex[:12]

    existing = await project_access(pool, project_id)
    if existing is not None:
        if existing.department != user.department:
            raise Conflict(f"project id {project_id} is already taken")
        response.status_code = 200
        return await project_view(pool, cipher, user, existing)

    me = actor(user)
    await insert_customer(pool, project_id=project_id, customer=body.customer,
                          user_id=customer_user.id if customer_user else None, cipher=cipher)
    start = ProjectStart(
        project_id=project_id,
        department=user.department,
        business_type=body.business_type,
        channel=body.channel,
        requirement=body.requirement,
        agent=me,
        customer_user_id=customer_user.id if customer_user else None,
        customer_user_name=customer_user.name if customer_user else None,
        created_at=_now(),
        policy=policy,
    )
    try:
        await client.start_workflow(
            "ProjectWorkflow",
            start,
            id=workflow_id(project_id),
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            # No customer personal data in Temporal: histories and the UI carry staff names only.
            static_summary=f"{body.business_type} · {user.department} · agent {user.name} · project {project_id}",
        )
    except WorkflowAlreadyStartedError:
        # A concurrent or retried create got there first: answer with that project.
        response.status_code = 200
    # Returns once the workflow has recorded the intake in PostgreSQL.
    await workflows.update(project_id, "sync", Command(actor=me, received_at=_now()))
    project = await project_access(pool, project_id)
    if project is None:
        raise NotFound(f"no project {project_id}")
    if project.department != user.department:
        raise Conflict(f"project id {project_id} is already taken")
    return await project_view(pool, cipher, user, project)


# --------------------------------------------------------------------------- reads


@router.get("", response_model=ProjectPage, summary="List projects", responses=responses(401, 403, 422))
async def get_projects(
    user: StaffUser,
    pool: Pool,
    stage: Annotated[Stage | None, Query(description="Only projects in this stage")] = None,
    department: Annotated[str | None, Query(description="Only this department's projects")] = None,
    overdue: Annotated[bool | None, Query(description="Only projects with (true) or without (false) "
                                                      "an overdue action or task")] = None,
    warning: Annotated[bool | None, Query(description="Only projects with (true) or without (false) "
                                                      "an active progress warning")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
    offset: Annotated[int, Query(ge=0, description="Items to skip")] = 0,
) -> ProjectPage:
    """Staff only; most recently changed first, without customer personal data. Agents and
    dept_heads see their own department only (asking for another department is 403)."""
    if user.role in (Role.agent, Role.dept_head):
        if department is not None and department != user.department:
            raise Forbidden(f"a {user.role.value} of {user.department} cannot list {department}")
        department = user.department
    return await list_projects(pool, stage=stage.value if stage else None, department=department,
                               overdue=overdue, warning=warning, limit=limit, offset=offset)


@router.get("/{project_id}", response_model=ProjectView, summary="One project's current state and history",
            responses=responses(401, 403, 404))
async def get_project(project: VisibleProject, user: CurrentUser, pool: Pool, cipher: Cipher) -> ProjectView:
    """Stage, pending action (who, due), milestones, KPIs, approvals, rectification tasks,
    warning and the recorded history, as of the last recorded step. Visible to staff of the
    project's department, executive, operations, auditor and the project's own customer;
    agents and dept_heads of another department get 403, any other customer 404.
    `customer` holds the decrypted personal data for the department's staff, executive,
    operations and the customer; auditors get it masked; others get null."""
    return await project_view(pool, cipher, user, project)


# --------------------------------------------------------------------------- decisions


@router.post("/{project_id}/assessment", response_model=ProjectView, summary="Assess the requirement",
             responses=responses(401, 403, 404, 409, 422))
async def post_assessment(project: VisibleProject, user: Annotated[User, role(Role.agent, action="assess")],
                          body: AssessmentIn, pool: Pool, workflows: Workflows, cipher: Cipher) -> ProjectView:
    """The project's agent assesses the requirement 需求评估: out of scope declines the project;
    in scope (with difficulty, risk level, expected cycle and budget) applies for initiation."""
    cmd = AssessCommand(actor=actor(user), received_at=_now(), body=body)
    return await _update(workflows, pool, cipher, user, project, "assess", cmd)


@router.post("/{project_id}/plan", response_model=ProjectView, summary="Submit the plan",
             responses=responses(401, 403, 404, 409, 422))
async def post_plan(project: VisibleProject, user: Annotated[User, role(Role.agent, action="submit a plan")],
                    body: PlanIn, pool: Pool, workflows: Workflows, cipher: Cipher) -> ProjectView:
    """The project's agent submits the plan 方案制定 (goals, milestones with dates no earlier than
    today, responsibilities, resources) for the dept_head's approval."""
    cmd = PlanCommand(actor=actor(user), received_at=_now(), body=body)
    return await _update(workflows, pool, cipher, user, project, "submit_plan", cmd)


@router.post("/{project_id}/decisions", response_model=ProjectView, summary="Decide a pending approval gate",
             responses=responses(401, 403, 404, 409, 422))
async def post_decision(
    project: VisibleProject,
    user: Annotated[User, role(Role.dept_head, Role.executive, action="decide approval gates")],
    body: DecisionIn, pool: Pool, workflows: Workflows, cipher: Cipher,
) -> ProjectView:
    """The approver the gate (`initiation`, `plan`, `result_review`) awaits approves or rejects it.
    A second decision on the same gate is 409 `already_decided`."""
    cmd = DecideCommand(actor=actor(user), received_at=_now(), body=body)
    return await _update(workflows, pool, cipher, user, project, "decide", cmd)


@router.post("/{project_id}/reports", response_model=ProjectView, summary="Send the weekly progress report",
             responses=responses(401, 403, 404, 409, 422))
async def post_report(project: VisibleProject, user: Annotated[User, role(Role.agent, action="report progress")],
                      body: WeeklyReportIn, pool: Pool, workflows: Workflows, cipher: Cipher) -> ProjectView:
    """The project's agent reports the week's progress, problems and next week's plan, and may
    mark milestones done; allowed during execution and rectification."""
    cmd = ReportCommand(actor=actor(user), received_at=_now(), body=body)
    return await _update(workflows, pool, cipher, user, project, "report", cmd)


@router.post("/{project_id}/results", response_model=ProjectView, summary="Submit results for review",
             responses=responses(401, 403, 404, 409, 422))
async def post_results(project: VisibleProject, user: Annotated[User, role(Role.agent, action="submit results")],
                       body: ResultsIn, pool: Pool, workflows: Workflows, cipher: Cipher) -> ProjectView:
    """The project's agent submits results for the result review, or resubmits them once the
    rectification tasks are done (409 while any is open)."""
    cmd = ResultsCommand(actor=actor(user), received_at=_now(), body=body)
    return await _update(workflows, pool, cipher, user, project, "submit_results", cmd)


@router.post("/{project_id}/acceptance", response_model=ProjectView, summary="Accept the result or object",
             responses=responses(401, 403, 404, 409, 422))
async def post_acceptance(
    project: VisibleProject,
    user: Annotated[User, role(Role.customer, Role.agent, action="answer the acceptance")],
    body: AcceptanceIn, pool: Pool, workflows: Workflows, cipher: Cipher,
) -> ProjectView:
    """The project's customer accepts with a rating 1–5 or objects (objections become rectification
    tasks). A project without a customer account has its agent record the signed confirmation."""
    cmd = AcceptanceCommand(actor=actor(user), received_at=_now(), body=body)
    return await _update(workflows, pool, cipher, user, project, "answer_acceptance", cmd)


@router.post("/{project_id}/warning-analysis", response_model=ProjectView,
             summary="Analyse a progress warning and set rectification measures",
             responses=responses(401, 403, 404, 409, 422))
async def post_warning_analysis(
    project: VisibleProject,
    user: Annotated[User, role(Role.dept_head, action="analyse progress warnings")],
    body: WarningAnalysisIn, pool: Pool, workflows: Workflows, cipher: Cipher,
) -> ProjectView:
    """The department's dept_head names the cause of an active progress warning and sets
    measures, each owned by a staff member named by user name (unknown owner: 422); each
    measure becomes a rectification task."""
    names = sorted({m.owner for m in body.measures})
    found = await users_by_names(pool, names)
    unknown = [n for n in names if n not in found or found[n].role not in STAFF_ROLES]
    if unknown:
        raise Invalid(f"measures[].owner: no staff member named {', '.join(unknown)}")
    cmd = WarningAnalysisCommand(actor=actor(user), received_at=_now(), body=body,
                                 owners={name: actor(u) for name, u in found.items()})
    return await _update(workflows, pool, cipher, user, project, "analyse_warning", cmd)


@router.post("/{project_id}/cancel", response_model=ProjectView, summary="Cancel the project",
             responses=responses(401, 403, 404, 409, 422))
async def post_cancel(project: VisibleProject, user: Annotated[User, role(Role.operations, action="cancel projects")],
                      body: CancelIn, pool: Pool, workflows: Workflows, cipher: Cipher) -> ProjectView:
    """Operations cancel a project that has not finished, with a reason."""
    cmd = CancelCommand(actor=actor(user), received_at=_now(), body=body)
    return await _update(workflows, pool, cipher, user, project, "cancel", cmd)


@router.post("/{project_id}/customer/dispose", response_model=ProjectView,
             summary="Dispose of the customer's personal data", responses=responses(401, 403, 404, 409))
async def post_dispose_customer(
    project: VisibleProject,
    user: Annotated[User, role(Role.operations, action="dispose of customer data")],
    pool: Pool, cipher: Cipher,
) -> ProjectView:
    """Once the business relationship has ended (project completed, declined or cancelled),
    operations dispose of the customer's personal data (RULES §Customer information): the
    encrypted fields are overwritten, the archive keeps its reference, and the disposal is
    appended to the project's history. 409 while the project runs or when already disposed."""
    if project.stage not in TERMINAL_STAGES:
        raise WrongStage(f"project {project.id} is still {project.stage.value}; its customer data is in use")
    if not await dispose_after_relationship(pool, project.id, by_id=user.id, by_name=user.name,
                                            by_role=user.role.value):
        raise AlreadyDecided(f"the customer data of project {project.id} is already disposed of")
    return await project_view(pool, cipher, user, project)
