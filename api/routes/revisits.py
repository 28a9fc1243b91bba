"""The revisit 回访 of a completed project (RULES §lifecycle 11): read it, and record it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request

from api.deps import Pool, Services, VisibleProject
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.routes.actions import permitted
from domain.service_models import RevisitIn
from jindu.services import feedback
from store.feedback import RevisitView
from store.users import User

router = APIRouter(prefix="/v1/projects", tags=["revisits"])


@router.get("/{project_id}/revisit", response_model=RevisitView, summary="The project's revisit",
            responses=responses(401, 403, 404, 422))  # fmt: skip
async def get_revisit(project: VisibleProject, office: Services) -> RevisitView:
    """Who owes it, when it opens and is due, and once done the rating, comments, suggestions
    and history. 404 before the project has completed."""
    return await feedback.revisit(office, project)


@router.post("/{project_id}/revisit", response_model=RevisitView, summary="Record the revisit",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_revisit(
    request: Request, user: Annotated[User, permitted(feedback.REVISIT)], project: VisibleProject,
    body: RevisitIn, pool: Pool, office: Services, key: IdempotencyKey = None,
) -> RevisitView:  # fmt: skip
    """The assignee of the revisit task records the customer's rating 1–5, comments and
    suggestions: the project's agent, or with `policy.revisit.assignee` customer_service,
    customer service of the project's department or the whole company (anyone else 403).
    Also before the task opens (`policy.revisit.after_working_days` working days after
    completion); 409 before the project completes, and once recorded. A rating below the
    satisfaction threshold raises the satisfaction warning for the project's agent and department."""

    async def run(update_id: str | None) -> tuple[int, RevisitView]:
        return 200, await feedback.record_revisit(office, user, project, body, update_id)

    return await once(request, pool, user.id, key, run)  # type: ignore[no-any-return]
