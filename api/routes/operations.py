"""What operations (运营管理中心) do to a project, each recorded as done by them: cancel it,
hand its work to someone else, extend a deadline, dispose of a finished project's customer
data (RULES §Customer information)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request

from api.auth import actor
from api.deps import Cipher, CompanyTz, Pool, VisibleProject, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.operator import extend_command, reassign_command
from api.project_view import project_view
from api.routes.actions import ERRORS, Act
from api.schemas import ProjectView
from domain.commands import CancelCommand, CancelIn, ExtendDeadlineIn, ReassignIn
from domain.errors import AlreadyDecided, WrongStage
from domain.models import TERMINAL_STAGES, Role
from store.customers import dispose_after_relationship
from store.users import User
from workflows.project import ProjectWorkflow

router = APIRouter(prefix="/v1/projects", tags=["operations"])
Operations = Annotated[User, role(Role.operations, action="do this")]


@router.post("/{project_id}/cancel", response_model=ProjectView, summary="Cancel the project", responses=ERRORS)
async def post_cancel(act: Act, user: Operations, body: CancelIn) -> ProjectView:
    """Operations cancel a project that has not finished, with a reason."""
    return await act.send(user, ProjectWorkflow.cancel, CancelCommand(actor=actor(user), body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/reassign", response_model=ProjectView, summary="Hand pending work to someone else",
             responses=ERRORS)  # fmt: skip
async def post_reassign(act: Act, user: Operations, body: ReassignIn, pool: Pool) -> ProjectView:
    """Operations hand the pending action, the warning's cause analysis or a rectification task
    (`target`) to another active user of the same role (an agent or dept_head of the project's
    department), with a reason; the new assignee is notified and alone may act on it.
    Recorded as done by the operations user."""
    return await act.send(user, ProjectWorkflow.reassign, await reassign_command(pool, user, body, act.project))  # type: ignore[no-any-return]


@router.post("/{project_id}/deadline", response_model=ProjectView, summary="Extend a deadline", responses=ERRORS)
async def post_deadline(act: Act, user: Operations, body: ExtendDeadlineIn) -> ProjectView:
    """Operations move the deadline of the pending action, the cause analysis or a task by
    `working_days` working days, with a reason; its escalation chain starts again."""
    return await act.send(user, ProjectWorkflow.extend_deadline, extend_command(user, body))  # type: ignore[no-any-return]


@router.post("/{project_id}/customer/dispose", response_model=ProjectView,
             summary="Dispose of the customer's personal data",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_dispose_customer(request: Request, project: VisibleProject, user: Operations, pool: Pool,
                                cipher: Cipher, tz: CompanyTz, key: IdempotencyKey = None) -> ProjectView:  # fmt: skip
    """Once the business relationship has ended (project completed, declined or cancelled),
    operations dispose of the customer's personal data (RULES §Customer information): the
    encrypted fields are overwritten, the archive keeps its reference, and the disposal is
    appended to the project's history. 409 while the project runs or when already disposed
    (a retry with the same `Idempotency-Key` answers with the first outcome instead)."""

    async def dispose(update_id: str | None) -> tuple[int, ProjectView]:
        if project.stage not in TERMINAL_STAGES:
            raise WrongStage(f"project {project.id} is still {project.stage.value}; its customer data is in use")
        if not await dispose_after_relationship(pool, project.id, by_id=user.id, by_name=user.name,
                                                by_role=user.role.value):  # fmt: skip
            raise AlreadyDecided(f"the customer data of project {project.id} is already disposed of")
        return 200, await project_view(pool, cipher, user, project, tz)

    return await once(request, pool, user.id, key, dispose)  # type: ignore[no-any-return]
