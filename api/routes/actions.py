"""The decisions people send to a project's workflow (RULES §lifecycle 2–9).

Routes check who may call and whether the project is visible; the workflow's update
validators are authoritative for stage, ownership and duplicates (their rejections are
mapped in api/errors.py). An action answers once its steps are in PostgreSQL, with the
project as recorded. Every action takes an `Idempotency-Key`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from api.auth import actor
from api.deps import Cipher, CompanyTz, Pool, VisibleProject, Workflows, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.operator import decide_command
from api.project_view import project_view
from api.schemas import ProjectView
from domain.commands import (
    AcceptanceCommand,
    AcceptanceIn,
    AssessCommand,
    AssessmentIn,
    Command,
    DecisionIn,
    PlanCommand,
    PlanIn,
    ReportCommand,
    ResultsCommand,
    ResultsIn,
    WarningAnalysisCommand,
    WarningAnalysisIn,
    WeeklyReportIn,
)
from domain.errors import Invalid
from domain.models import STAFF_ROLES, Role
from domain.text import Name
from store.users import User, active_users_by_names
from workflows.project import ProjectWorkflow

router = APIRouter(prefix="/v1/projects", tags=["actions"])
ERRORS = responses(401, 403, 404, 409, 422)


class Action:
    """Sends one command to a project's workflow, at most once per Idempotency-Key, and
    answers with the project as recorded."""

    def __init__(self, request: Request, project: VisibleProject, pool: Pool, workflows: Workflows,
                 cipher: Cipher, tz: CompanyTz, key: IdempotencyKey = None) -> None:  # fmt: skip
        self.request, self.project, self.pool, self.workflows = request, project, pool, workflows
        self.cipher, self.tz, self.key = cipher, tz, key

    async def send(self, user: User, update: Callable[..., Any], cmd: Command) -> Any:
        async def run(update_id: str | None) -> tuple[int, ProjectView]:
            await self.workflows.update(self.project.id, update, cmd, update_id)
            return 200, await project_view(self.pool, self.cipher, user, self.project, self.tz)

        return await once(self.request, self.pool, user.id, self.key, run)


Act = Annotated[Action, Depends()]


@router.post("/{project_id}/assessment", response_model=ProjectView, summary="Assess the requirement",
             responses=ERRORS)  # fmt: skip
async def post_assessment(act: Act, user: Annotated[User, role(Role.agent, action="assess")],
                          body: AssessmentIn) -> ProjectView:  # fmt: skip
    """The project's agent assesses the requirement 需求评估: out of scope declines the project;
    in scope (with difficulty, risk level, expected cycle and budget) applies for initiation."""
    return await act.send(user, ProjectWorkflow.assess, AssessCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/plan", response_model=ProjectView, summary="Submit the plan", responses=ERRORS)
async def post_plan(act: Act, user: Annotated[User, role(Role.agent, action="submit a plan")],
                    body: PlanIn) -> ProjectView:  # fmt: skip
    """The project's agent submits the plan 方案制定 (goals, milestones with dates from today up
    to ten years ahead, responsibilities, resources) for the dept_head's approval."""
    return await act.send(user, ProjectWorkflow.submit_plan, PlanCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]


class DecisionRequest(DecisionIn):
    on_behalf_of: Name | None = Field(
        default=None, description="Operations only: the user name of the absent approver this decision is taken for"
    )


@router.post("/{project_id}/decisions", response_model=ProjectView, summary="Decide a pending approval gate",
             responses=ERRORS)  # fmt: skip
async def post_decision(
    act: Act, user: Annotated[User, role(Role.dept_head, Role.executive, Role.operations,
                                         action="decide approval gates")],
    body: DecisionRequest, pool: Pool,
) -> ProjectView:  # fmt: skip
    """The approver the gate (`initiation`, `plan`, `result_review`) awaits approves or rejects it.
    A second decision on the same gate is 409 `already_decided`. Operations may decide for
    an absent approver with `on_behalf_of`; it is recorded as done by them on behalf of that
    approver."""
    cmd = await decide_command(pool, user, DecisionIn(**body.model_dump(exclude={"on_behalf_of"})), body.on_behalf_of)
    return await act.send(user, ProjectWorkflow.decide, cmd)  # type: ignore[no-any-return]


@router.post("/{project_id}/reports", response_model=ProjectView, summary="Send the weekly progress report",
             responses=ERRORS)  # fmt: skip
async def post_report(act: Act, user: Annotated[User, role(Role.agent, action="report progress")],
                      body: WeeklyReportIn) -> ProjectView:  # fmt: skip
    """The project's agent reports the week's progress, problems and next week's plan, and may
    mark milestones done; allowed during execution and rectification."""
    return await act.send(user, ProjectWorkflow.report, ReportCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/results", response_model=ProjectView, summary="Submit results for review",
             responses=ERRORS)  # fmt: skip
async def post_results(act: Act, user: Annotated[User, role(Role.agent, action="submit results")],
                       body: ResultsIn) -> ProjectView:  # fmt: skip
    """The project's agent submits results for the result review, or resubmits them once the
    rectification tasks are done (409 while any is open)."""
    return await act.send(user, ProjectWorkflow.submit_results, ResultsCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/acceptance", response_model=ProjectView, summary="Accept the result or object",
             responses=ERRORS)  # fmt: skip
async def post_acceptance(act: Act, user: Annotated[User, role(Role.customer, Role.agent,
                                                               action="answer the acceptance")],
                          body: AcceptanceIn) -> ProjectView:  # fmt: skip
    """The project's customer accepts with a rating 1–5 or objects (objections become rectification
    tasks). A project without a customer account has its agent record the signed confirmation."""
    return await act.send(user, ProjectWorkflow.answer_acceptance, AcceptanceCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/warning-analysis", response_model=ProjectView,
             summary="Analyse a progress warning and set rectification measures", responses=ERRORS)  # fmt: skip
async def post_warning_analysis(act: Act, user: Annotated[User, role(Role.dept_head,
                                                                     action="analyse progress warnings")],
                                body: WarningAnalysisIn, pool: Pool) -> ProjectView:  # fmt: skip
    """The department's dept_head names the cause of an active progress warning and sets
    measures, each owned by an active staff member named by user name (unknown or deactivated
    owner: 422); each measure becomes a rectification task."""
    names = sorted({m.owner for m in body.measures})
    found = await active_users_by_names(pool, names)
    unknown = [n for n in names if n not in found or found[n].role not in STAFF_ROLES]
    if unknown:
        raise Invalid(f"measures[].owner: no active staff member named {', '.join(unknown)}")
    cmd = WarningAnalysisCommand(actor=actor(user), body=body, owners={n: actor(u) for n, u in found.items()})
    return await act.send(user, ProjectWorkflow.analyse_warning, cmd)  # type: ignore[no-any-return]
