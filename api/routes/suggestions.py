"""Suggestions 建议 from complaints and revisits, marked adopted or not (003 §4.3: the
suggestion adoption rate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.deps import Pool, Services, StaffUser
from api.errors import responses
from api.idempotency import IdempotencyKey, once
from api.routes.actions import permitted
from domain.service_models import SuggestionDecisionIn
from jindu.services import feedback
from store.feedback import SuggestionPage, SuggestionView
from store.users import User

router = APIRouter(prefix="/v1/suggestions", tags=["suggestions"])
SuggestionId = Annotated[str, Path(description="The suggestion id", pattern=r"^[A-Za-z0-9][A-Za-z0-9_:-]{0,199}$")]


@router.get("", response_model=SuggestionPage, summary="List suggestions", responses=responses(401, 403, 422))
async def get_suggestions(user: StaffUser, office: Services,
                          q: Annotated[feedback.SuggestionQuery, Query()]) -> SuggestionPage:  # fmt: skip
    """Staff only, newest first; agents and dept_heads see their own department's."""
    return await feedback.suggestions_page(office, user, q)


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
