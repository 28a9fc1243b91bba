"""The revisit 回访 of a completed project (RULES §lifecycle 11): read it, and record it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request

from api.auth import actor
from api.deps import Pool, VisibleProject, Workflows, role
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from domain.errors import AlreadyDecided, NotFound, WrongStage
from domain.models import Role
from domain.revisits import revisit_id
from domain.service_models import RevisitCommand, RevisitIn, RevisitStatus, ServiceAck
from store.feedback import RevisitView, revisit_of
from store.users import User
from workflows.revisit import RevisitWorkflow

router = APIRouter(prefix="/v1/projects", tags=["revisits"])


@router.get("/{project_id}/revisit", response_model=RevisitView, summary="The project's revisit",
            responses=responses(401, 403, 404, 422))  # fmt: skip
async def get_revisit(project: VisibleProject, pool: Pool) -> RevisitView:
    """Who owes it, when it opens and is due, and once done the rating, comments, suggestions
    and history. 404 before the project has completed."""
    found = await revisit_of(pool, project.id, history=True)
    if found is None:
        raise NotFound(f"project {project.id} has no revisit: it has not completed")
    return found


@router.post("/{project_id}/revisit", response_model=RevisitView, summary="Record the revisit",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_revisit(
    request: Request, user: Annotated[User, role(Role.agent, action="record revisits")], project: VisibleProject,
    body: RevisitIn, pool: Pool, workflows: Workflows, key: IdempotencyKey = None,
) -> RevisitView:  # fmt: skip
    """The assignee of the revisit task (the project's agent) records the customer's rating 1–5,
    comments and suggestions, once the task has opened (`policy.revisit.after_working_days`
    working days after completion; 409 before, and once recorded). A rating below the
    satisfaction threshold raises the satisfaction warning for the agent and department."""

    async def run(update_id: str | None) -> tuple[int, RevisitView]:
        found = await revisit_of(pool, project.id)
        if found is None:
            raise WrongStage(f"project {project.id} is {project.stage.value}: it has no revisit before it completes")
        if found.status == RevisitStatus.done.value:
            raise AlreadyDecided(f"the revisit of project {project.id} is already recorded")
        cmd = RevisitCommand(actor=actor(user), body=body)
        await workflows.update_workflow(revisit_id(project.id), RevisitWorkflow.submit, cmd, update_id, ServiceAck)
        done = await revisit_of(pool, project.id, history=True)
        assert done is not None
        return 200, done

    return await once(request, pool, user.id, key, run)  # type: ignore[no-any-return]
