"""What operations (运营管理中心) do to a project, each recorded as done by them: cancel it,
hand its work to someone else, extend a deadline, dispose of a finished project's customer
data (RULES §Customer information)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Response

from api.errors import responses
from api.routes.actions import ERRORS, Act, permitted
from api.schemas import ProjectView
from domain.commands import CancelIn
from domain.operator_commands import ExtendDeadlineIn, ReassignIn
from jindu.services import projects as uc
from store.users import User

router = APIRouter(prefix="/v1/projects", tags=["operations"])
Operations = Annotated[User, permitted(uc.OPERATE)]


@router.post("/{project_id}/cancel", response_model=uc.Answer, summary="Cancel the project", responses=ERRORS)
async def post_cancel(act: Act, user: Operations, body: CancelIn) -> Response:
    """Operations cancel a project that has not finished, with a reason."""
    return await act.run(user, partial(uc.cancel, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/reassign", response_model=uc.Answer, summary="Hand pending work to someone else",
             responses=ERRORS)  # fmt: skip
async def post_reassign(act: Act, user: Operations, body: ReassignIn) -> Response:
    """Operations hand the pending action, the warning's cause analysis or a rectification task
    (`target`) to another active user of the same role (an agent or dept_head of the project's
    department), with a reason; the new assignee is notified and alone may act on it.
    Recorded as done by the operations user."""
    return await act.run(user, partial(uc.reassign, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/deadline", response_model=uc.Answer, summary="Extend a deadline", responses=ERRORS)
async def post_deadline(act: Act, user: Operations, body: ExtendDeadlineIn) -> Response:
    """Operations move the deadline of the pending action, the cause analysis or a task by
    `working_days` working days, with a reason; its escalation chain starts again."""
    return await act.run(user, partial(uc.extend_deadline, body=body))  # type: ignore[no-any-return]


@router.post("/{project_id}/customer/dispose", response_model=ProjectView,
             summary="Dispose of the customer's personal data",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_dispose_customer(act: Act, user: Operations) -> ProjectView:
    """Once the business relationship has ended (project completed, declined or cancelled),
    operations dispose of the customer's personal data (RULES §Customer information): the
    encrypted fields are overwritten, the archive keeps its reference, and the disposal is
    appended to the project's history. 409 while the project runs or when already disposed
    (a retry with the same `Idempotency-Key` answers with the first outcome instead)."""
    return await act.run(user, uc.dispose_customer)  # type: ignore[no-any-return]
