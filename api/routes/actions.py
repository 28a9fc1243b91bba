"""The decisions people send to a project's workflow (RULES §lifecycle 2–9).

Each route is the HTTP face of one use case (jindu/services/projects.py), which the
workspace and `jindu project` call too: routes admit the use case's roles before the body
is read and check the project is visible; the workflow's update validators are
authoritative for stage, ownership and duplicates (mapped in api/errors.py). An action
answers once its steps are in PostgreSQL, with the project as recorded, or, asked
`Prefer: return=minimal`, with what its update answered, not read back (`Prefer`, below). Every
action takes an `Idempotency-Key`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel

from api.auth import bearer, current_user
from api.deps import CurrentUser, Pool, ProjectId, Services, VisibleProject, office_of, role, visible_to
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.schemas import ProjectAnswer
from domain.commands import AcceptanceIn, AssessmentIn, PlanIn, ResultsIn, WarningAnalysisIn, WeeklyReportIn
from jindu.services import projects as uc
from store.users import User

router = APIRouter(prefix="/v1/projects", tags=["actions"])
ERRORS = responses(401, 403, 404, 409, 422)


# `Prefer: return=minimal` (RFC 7240): a caller that reads nothing of an action's answer but
# its outcome asks for less. A project action then answers with what its workflow update
# answered once the steps were recorded (api/schemas.py ProjectAnswer) and says so in
# `Preference-Applied`; without it, or where a route has nothing briefer, the answer is as
# documented. Other preferences are ignored, as the RFC allows.
PREFER_HEADER = "Prefer"
APPLIED_HEADER = "Preference-Applied"
MINIMAL = "return=minimal"

Prefer = Annotated[
    str | None,
    Header(alias=PREFER_HEADER, max_length=1000,
           description="`return=minimal`: a project action answers with the project's id, stage and last step "
                       "number (ProjectAnswer) instead of the whole project, without reading it back; "
                       "`Preference-Applied` says when it did. Other preferences are ignored"),
]  # fmt: skip


def prefers_minimal(prefer: str | None) -> bool:
    """Whether the header asks for `return=minimal` among its comma-separated preferences (a
    preference's own parameters after `;` aside, its value possibly quoted, any case)."""
    if not prefer:
        return False
    for preference in prefer.split(","):
        name, _, value = preference.split(";", 1)[0].partition("=")
        if name.strip().lower() == "return" and value.strip().strip('"').lower() == "minimal":
            return True
    return False


def applied(response: Response, answered: list[BaseModel]) -> Response:
    """`response`, saying `Preference-Applied` when the answer it carries was the brief one."""
    if answered and isinstance(answered[-1], ProjectAnswer):
        response.headers[APPLIED_HEADER] = MINIMAL
    return response


def permitted(permit: uc.Permit) -> Any:
    """A dependency admitting only the use case's roles; it runs before the body is validated."""
    return role(*permit.roles, action=permit.action)


class Action:
    """One use case run at most once per Idempotency-Key, for the visible project."""

    def __init__(self, request: Request, project: VisibleProject, pool: Pool, office: Services,
                 key: IdempotencyKey = None, brief: bool = False) -> None:  # fmt: skip
        self.request, self.project, self.pool, self.key = request, project, pool, key
        self.office = office.briefly() if brief else office  # asked `Prefer: return=minimal` (above)

    async def run(self, user: User, use: Callable[..., Awaitable[BaseModel]]) -> Any:
        """`use(office, user, project, key=update id)`: a use case with its body bound."""
        answered: list[BaseModel] = []

        async def run(update_id: str | None) -> tuple[int, BaseModel]:
            answered.append(await use(self.office, user, self.project, key=update_id))
            return 200, answered[-1]

        return applied(await once(self.request, self.pool, user.id, self.key, run), answered)


async def _action(request: Request, project_id: ProjectId, user: CurrentUser, key: IdempotencyKey = None,
                  prefer: Prefer = None) -> Action:  # fmt: skip
    """`async`: FastAPI would build a plain class dependency in its thread pool. The project's
    visibility checked here, the pool and the office from the app's state: FastAPI's resolver
    costs ~5 µs for each dependency it walks, per request (a cached one is walked again)."""
    project = await visible_to(request, project_id, user)
    return Action(request, project, request.app.state.pool, office_of(request), key, prefers_minimal(prefer))


Act = Annotated[Action, Depends(_action)]


def admitted(permit: uc.Permit) -> Any:
    """`permitted` for a route whose `Act` comes first: the caller `Act` read (api/auth.py
    keeps it on the request), not resolved again. It runs where `permitted` would: after the
    project's visibility, before the body is validated, and also when the path's id or the
    key is malformed (the caller was read before those were checked)."""

    async def check(request: Request) -> User:
        user: User | None = getattr(request.state, "user", None)
        if user is None:  # no `Act` before it: read the caller as `CurrentUser` would
            user = await current_user(request, await bearer(request))
        permit.check(user)
        return user

    return Depends(check)


@router.post("/{project_id}/assessment", response_model=uc.Answer, summary="Assess the requirement",
             responses=ERRORS)  # fmt: skip
async def post_assessment(act: Act, user: Annotated[User, admitted(uc.ASSESS)], body: AssessmentIn) -> Response:
    """The project's agent assesses the requirement 需求评估: out of scope declines the project;
    in scope (with difficulty, risk level, expected cycle and budget) applies for initiation."""
    return await act.run(user, partial(uc.assess, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/plan", response_model=uc.Answer, summary="Submit the plan", responses=ERRORS)
async def post_plan(act: Act, user: Annotated[User, admitted(uc.PLAN)], body: PlanIn) -> Response:
    """The project's agent submits the plan 方案制定 (goals, milestones with dates from today up
    to ten years ahead, responsibilities, resources) for the dept_head's approval."""
    return await act.run(user, partial(uc.submit_plan, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/decisions", response_model=uc.Answer, summary="Decide a pending approval gate",
             responses=ERRORS)  # fmt: skip
async def post_decision(act: Act, user: Annotated[User, admitted(uc.DECIDE)],
                        body: uc.DecisionRequest) -> Response:  # fmt: skip
    """The approver the gate (`initiation`, `plan`, `result_review`) awaits approves or rejects it.
    A second decision on the same gate is 409 `already_decided`. Operations may decide for
    an absent approver with `on_behalf_of`; it is recorded as done by them on behalf of that
    approver."""
    return await act.run(user, partial(uc.decide, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/reports", response_model=uc.Answer, summary="Send the weekly progress report",
             responses=ERRORS)  # fmt: skip
async def post_report(act: Act, user: Annotated[User, admitted(uc.REPORT)], body: WeeklyReportIn) -> Response:
    """The project's agent reports the week's progress, problems and next week's plan, and may
    mark milestones done; allowed during execution and rectification."""
    return await act.run(user, partial(uc.report, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/results", response_model=uc.Answer, summary="Submit results for review",
             responses=ERRORS)  # fmt: skip
async def post_results(act: Act, user: Annotated[User, admitted(uc.RESULTS)], body: ResultsIn) -> Response:
    """The project's agent submits results for the result review, or resubmits them once the
    rectification tasks are done (409 while any is open)."""
    return await act.run(user, partial(uc.submit_results, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/acceptance", response_model=uc.Answer, summary="Accept the result or object",
             responses=ERRORS)  # fmt: skip
async def post_acceptance(act: Act, user: Annotated[User, admitted(uc.ACCEPT)], body: AcceptanceIn) -> Response:
    """The project's customer accepts with a rating 1–5 or objects (objections become rectification
    tasks). A project without a customer account has its agent record the signed confirmation."""
    return await act.run(user, partial(uc.answer_acceptance, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/warning-analysis", response_model=uc.Answer,
             summary="Analyse a progress warning and set rectification measures", responses=ERRORS)  # fmt: skip
async def post_warning_analysis(act: Act, user: Annotated[User, admitted(uc.ANALYSE)],
                                body: WarningAnalysisIn) -> Response:  # fmt: skip
    """The department's dept_head names the cause of an active progress warning and sets
    measures, each owned by an active staff member named by user name (unknown or deactivated
    owner: 422); each measure becomes a rectification task."""
    return await act.run(user, partial(uc.analyse_warning, body=body))  # type: ignore[no-any-return]
