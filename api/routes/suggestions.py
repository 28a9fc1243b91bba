"""Suggestions 建议 from complaints and revisits, marked adopted or not (003 §4.3: the
suggestion adoption rate)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from api.deps import Pool, Services, StaffUser
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.routes.actions import permitted
from domain.errors import Forbidden
from domain.models import Role
from domain.service_models import SuggestionDecisionIn
from domain.text import Name
from jindu.services import feedback
from store.feedback import SuggestionPage, SuggestionView, list_suggestions
from store.reads import MAX_OFFSET
from store.users import User

router = APIRouter(prefix="/v1/suggestions", tags=["suggestions"])
SuggestionId = Annotated[str, Path(description="The suggestion id", pattern=r"^[A-Za-z0-9][A-Za-z0-9_:-]{0,199}$")]


@router.get("", response_model=SuggestionPage, summary="List suggestions", responses=responses(401, 403, 422))
async def get_suggestions(
    user: StaffUser, pool: Pool,
    department: Annotated[Name | None, Query(description="Only this department's suggestions")] = None,
    source: Annotated[Literal["complaint", "revisit"] | None, Query(description="Only from complaints or "
                                                                               "revisits")] = None,
    decision: Annotated[Literal["undecided", "adopted", "not_adopted"] | None,
                        Query(description="Only undecided, adopted or not adopted ones")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
) -> SuggestionPage:  # fmt: skip
    """Staff only, newest first; agents and dept_heads see their own department's."""
    if user.role in (Role.agent, Role.dept_head):
        if department is not None and department != user.department:
            raise Forbidden(f"a {user.role.value} of {user.department} cannot list {department}")
        department = user.department
    return await list_suggestions(pool, department=department, source=source, decision=decision, limit=limit,
                                  offset=offset)  # fmt: skip


@router.post("/{suggestion_id}/decision", response_model=SuggestionView, summary="Adopt a suggestion or not",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_decision(
    request: Request, suggestion_id: SuggestionId, body: SuggestionDecisionIn, pool: Pool, office: Services,
    user: Annotated[User, permitted(feedback.ADOPT)], key: IdempotencyKey = None,
) -> SuggestionView:  # fmt: skip
    """The department's dept_head, or operations (for any, and alone for one without a
    department), marks it adopted or not, once (409 `already_decided` after)."""

    async def run(update_id: str | None) -> tuple[int, SuggestionView]:
        return 200, await feedback.decide_on_suggestion(office, user, suggestion_id, body)

    return await once(request, pool, user.id, key, run)  # type: ignore[no-any-return]
