"""My inbox: what waits on me, soonest due first, with what each decision needs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import office_of
from jindu.services.overview import inbox_context
from web.api import attempt
from web.errors import problem
from web.render import page
from web.session import SignedIn
from web.views import DONE_KEYS

router = APIRouter(include_in_schema=False)


@router.get("/")
async def inbox(request: Request, visitor: SignedIn, done: str = "") -> Response:
    # Every item's decision context in a bounded number of statements however many items,
    # not one project view per item.
    answer = await attempt(request, inbox_context(office_of(request), visitor.user, visitor.lang))
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    items, projects = answer.body["items"], answer.body["projects"]
    return page(request, "inbox.html", visitor, items=items, projects=projects,
                done=done if done in DONE_KEYS else "")
