"""Operator user administration in the workspace: list, deactivate, reactivate, rotate a
token, issue a sign-in link, through the same use cases as the `/v1/users` API
(jindu/services/users.py), recorded as done by the visitor. My own contact details and
channels: `/me`."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from api.deps import office_of
from domain.models import Role
from jindu.services import users as uc
from web.api import Answer, as_body, attempt
from web.errors import problem
from web.render import page
from web.session import SignedIn, check_csrf

router = APIRouter(include_in_schema=False)
FILTERS = ("role", "department", "active")
PAGE_SIZE = 50
ROLES = tuple(r.value for r in Role)
USER_ACTIONS = ("deactivate", "reactivate", "rotate", "link", "signout")  # in the page URL, and what `?done=` may say
REASONED = {"deactivate": uc.deactivate, "reactivate": uc.reactivate, "rotate": uc.rotate_token,
            "signout": uc.end_sessions}


async def _users_page(request: Request, visitor, *, status: int = 200, **context) -> Response:
    filters = {k: request.query_params.get(k) or None for k in FILTERS}
    try:
        offset = max(int(request.query_params.get("offset") or 0), 0)
    except ValueError:
        offset = 0
    answer = await _listing(request, visitor, filters, offset)
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    unserved = await uc.revisits_unserved(office_of(request), request.app.state.policy.revisit.assignee)
    return page(request, "users.html", visitor, status=status, listing=answer.body, filters=filters,
                page_size=PAGE_SIZE, roles=ROLES, revisits_unserved=unserved, **context)  # fmt: skip


async def _listing(request: Request, visitor, filters: dict[str, str | None], offset: int) -> Answer:
    async def listing() -> uc.UserPage:
        q = as_body(uc.UserQuery, {**filters, "limit": PAGE_SIZE, "offset": offset})
        return await uc.list_users(office_of(request), visitor.user, role=q.role, active=q.active,
                                   department=q.department, limit=q.limit, offset=q.offset)  # fmt: skip

    return await attempt(request, listing())


@router.get("/users")
async def users(request: Request, visitor: SignedIn, done: str = "") -> Response:
    return await _users_page(request, visitor, done=done if done in USER_ACTIONS else "")


@router.post("/users/{user_id}/{action}")
async def user_action(request: Request, user_id: str, action: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    if action not in USER_ACTIONS:
        return RedirectResponse("/users", status_code=303)
    office, settings = office_of(request), request.app.state.settings

    async def acting() -> BaseModel:
        if action == "link":
            return await uc.signin_link(office, visitor.user, user_id, settings.public_url, settings.signin_link_hours)
        body = as_body(uc.ReasonIn, {"reason": str(form.get("reason") or "").strip()})
        return await REASONED[action](office, visitor.user, user_id, body)  # type: ignore[no-any-return]

    answer = await attempt(request, acting())
    if not answer.ok:
        return await _users_page(request, visitor, status=answer.status, failure=problem(answer, visitor.lang))
    if action in ("rotate", "link"):
        # Shown once, on this page only; never stored in plain text.
        return await _users_page(request, visitor, secret={"action": action, **answer.body})
    kept = urlencode({k: v for k, v in request.query_params.items() if k in (*FILTERS, "offset") and v})
    return RedirectResponse(f"/users?done={action}" + (f"&{kept}" if kept else ""), status_code=303)


@router.get("/me")
async def me(request: Request, visitor: SignedIn, done: str = "") -> Response:
    return page(request, "me.html", visitor, values={}, failure=None, done=done == "contact")


@router.post("/me")
async def set_my_contact(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    body = {
        "mobile": str(form.get("mobile") or "").strip() or None,
        "email": str(form.get("email") or "").strip() or None,
        "channels": [c for c in form.getlist("channels") if isinstance(c, str)],
        "lang": str(form.get("lang") or visitor.lang),
    }

    async def setting() -> BaseModel:
        return await uc.set_contact_of(office_of(request), visitor.user, visitor.user.id, as_body(uc.ContactIn, body))

    answer = await attempt(request, setting())
    if answer.ok:
        return RedirectResponse("/me?done=contact", status_code=303)
    values = {k: v for k, v in body.items()}
    return page(request, "me.html", visitor, status=answer.status, values=values,
                failure=problem(answer, visitor.lang), done=False)
