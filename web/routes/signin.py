"""Sign-in: a link a person asks for themselves, a one-time link, a token, and sign-out.

Every attempt counts against the client's address (and what was typed, or the account) in
PostgreSQL; over the limit the answer is 429 with Retry-After. Asking for a link answers
the same whether or not the address exists, and the link is sent after the answer.
"""

from __future__ import annotations

import math
from datetime import timedelta

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response

from jindu.services.signin import SigninLimits, check_attempt, count_failure, refused_before, request_link, send_link
from store.sessions import consume_signin_link, end_session, start_session
from store.signin_limits import Verdict
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
    settings = request.app.state.settings
    providers = [(p.get("name", ""), p.get("label") or p.get("name", "")) for p in settings.oidc_providers]
    response = page(request, template, status=status, csrf=token, providers=providers, **context)
    response.set_cookie(SIGNIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=request.app.state.settings.secure_cookies(), path="/signin")
    return response


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def too_many(request: Request, verdict: Verdict) -> Response:
    response = _signin_page(request, "signin.html", status=429, next="/", limited=math.ceil(verdict.retry_after / 60))
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def _limits(request: Request) -> SigninLimits:
    return SigninLimits.of(request.app.state.settings)


async def _attempt(request: Request, **on) -> Verdict:
    return await check_attempt(request.app.state.pool, _limits(request), client_of(request), **on)


async def _failed(request: Request) -> None:
    await count_failure(request.app.state.pool, _limits(request), client_of(request))


async def session_response(request: Request, user_id: str, next_path: str, remember: bool = False) -> Response:
    """Sign `user_id` in on this device. Kept ("stay signed in on this device"): the cookie and
    the session last the remember days. Else the cookie ends with the browser and the session
    after `session_hours` unused, renewed while used, up to the remember days at most."""
    settings, pool = request.app.state.settings, request.app.state.pool
    hard = timedelta(days=settings.remember_days)
    idle = hard if remember else timedelta(hours=settings.session_hours)
    session_id = await start_session(pool, user_id, idle, hard=hard, remember=remember,
                                     device=request.headers.get("user-agent", ""))  # fmt: skip
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=int(hard.total_seconds()) if remember else None,
                        httponly=True, samesite="lax", secure=settings.secure_cookies(), path="/")  # fmt: skip
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/signin")
    return response


@router.get("/signin")
async def signin_form(request: Request, next: str = "/") -> Response:
    return _signin_page(request, "signin.html", next=safe_next(next))


@router.post("/signin/request")
async def ask_for_link(request: Request, background: BackgroundTasks) -> Response:
    """A link to one's own e-mail or work app: the same answer whether the address exists or not."""
    form = await request.form(max_files=0, max_fields=10)
    check_signin_csrf(request, str(form.get("csrf") or ""))
    typed = str(form.get("address") or "").strip()[:254]
    if not typed:
        return _signin_page(request, "signin.html", status=422, next="/")
    verdict = await _attempt(request, typed=typed)
    if not verdict.allowed:
        return too_many(request, verdict)
    settings = request.app.state.settings
    message = await request_link(request.app.state.pool, request.app.state.cipher, settings, typed)
    if message is not None:
        background.add_task(send_link, settings, message)
    return _signin_page(request, "signin_sent.html", minutes=int(settings.signin_request_minutes))


@router.post("/signin")
async def signin_with_token(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    check_signin_csrf(request, str(form.get("csrf") or ""))
    verdict = await refused_before(request.app.state.pool, _limits(request), client_of(request))
    if not verdict.allowed:
        return too_many(request, verdict)
    token, next_path = str(form.get("token") or "").strip(), safe_next(str(form.get("next") or "/"))
    user = await user_by_token(request.app.state.pool, token) if 0 < len(token) <= 200 else None
    if user is None:
        await _failed(request)
        return _signin_page(request, "signin.html", status=401, next=next_path, failed="web.signin.bad_token")
    return await session_response(request, user.id, next_path, remember=bool(form.get("remember")))


@router.get("/signin/link")
async def signin_link_form(request: Request, code: str = "") -> Response:
    """A link opened from a message shows a button: chat apps that preview links must not
    use up the one-time code."""
    return _signin_page(request, "signin_link.html", code=code[:200])


@router.post("/signin/link")
async def signin_with_link(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    check_signin_csrf(request, str(form.get("csrf") or ""))
    verdict = await refused_before(request.app.state.pool, _limits(request), client_of(request))
    if not verdict.allowed:
        return too_many(request, verdict)
    user_id = await consume_signin_link(request.app.state.pool, str(form.get("code") or ""))
    if user_id is None:
        await _failed(request)
        return _signin_page(request, "signin.html", status=401, next="/", failed="web.signin.bad_link")
    return await session_response(request, user_id, "/", remember=bool(form.get("remember")))


@router.post("/signout")
async def signout(request: Request, visitor: SignedIn) -> Response:
    await check_csrf(request, visitor)
    await end_session(request.app.state.pool, visitor.session_id)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
