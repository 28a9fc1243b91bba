"""Sign-in with a one-time link or a token, and sign-out."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from store.sessions import consume_signin_link, end_session, start_session
from store.users import user_by_token
from web.render import page
from web.session import (
    SESSION_COOKIE,
    SIGNIN_CSRF_COOKIE,
    SignedIn,
    check_csrf,
    check_signin_csrf,
    new_signin_csrf,
    safe_next,
)

router = APIRouter(include_in_schema=False)


def _signin_page(request: Request, template: str, status: int = 200, **context) -> Response:
    token = new_signin_csrf()
    response = page(request, template, status=status, csrf=token, **context)
    response.set_cookie(SIGNIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies(), path="/signin")
    return response


async def _session_response(request: Request, user_id: str, next_path: str) -> Response:
    settings = request.app.state.settings
    session_id = await start_session(request.app.state.pool, user_id, timedelta(hours=settings.session_hours))
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=int(settings.session_hours * 3600), httponly=True,
                        samesite="lax", secure=settings.secure_cookies(), path="/")
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/signin")
    return response


@router.get("/signin")
async def signin_form(request: Request, next: str = "/") -> Response:
    return _signin_page(request, "signin.html", next=safe_next(next))


@router.post("/signin")
async def signin_with_token(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    check_signin_csrf(request, str(form.get("csrf") or ""))
    token, next_path = str(form.get("token") or "").strip(), safe_next(str(form.get("next") or "/"))
    user = await user_by_token(request.app.state.pool, token) if 0 < len(token) <= 200 else None
    if user is None:
        return _signin_page(request, "signin.html", status=401, next=next_path, failed="web.signin.bad_token")
    return await _session_response(request, user.id, next_path)


@router.get("/signin/link")
async def signin_link_form(request: Request, code: str = "") -> Response:
    """A link opened from a message shows a button: chat apps that preview links must not
    use up the one-time code."""
    return _signin_page(request, "signin_link.html", code=code[:200])


@router.post("/signin/link")
async def signin_with_link(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    check_signin_csrf(request, str(form.get("csrf") or ""))
    user_id = await consume_signin_link(request.app.state.pool, str(form.get("code") or ""))
    if user_id is None:
        return _signin_page(request, "signin.html", status=401, next="/", failed="web.signin.bad_link")
    return await _session_response(request, user_id, "/")


@router.post("/signout")
async def signout(request: Request, visitor: SignedIn) -> Response:
    await check_csrf(request, visitor)
    await end_session(request.app.state.pool, visitor.session_id)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
