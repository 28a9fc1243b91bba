"""Single sign-on pages (issue 17): /signin/sso/{name} sends the browser to the provider
with PKCE; its callback signs in the Jindu user linked to (issuer, subject). A signed-in
person who starts it from 登录设备 (`?link=1`) links that subject to their own account; a
subject nobody is linked to signs nobody in."""

from __future__ import annotations

import base64
import hmac
import json

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from jindu.services.signin import SigninLimits, count_failure, refused_before
from store import people
from store.identities import link_subject, user_by_subject
from store.people import By
from store.sessions import session_user
from web.oidc import SsoFailed, discovered, provider_named, start, subject_of
from web.render import page
from web.routes.signin import client_of, session_response, too_many
from web.session import SESSION_COOKIE, safe_next

router = APIRouter(include_in_schema=False)
log = structlog.get_logger()
PENDING_COOKIE = "jindu_sso"


def _redirect_uri(request: Request, name: str) -> str:
    return request.app.state.settings.public_url.rstrip("/") + f"/signin/sso/{name}/callback"


async def _refused(request: Request, key: str, label: str, status: int = 401) -> Response:
    """A failed single sign-on counts against the client's address like a bad token (not the
    provider being unreachable)."""
    if status < 500:
        await count_failure(request.app.state.pool, SigninLimits.of(request.app.state.settings),
                            client_of(request))
    response = page(request, "signin_sent.html", status=status, refused=key, label=label)
    response.delete_cookie(PENDING_COOKIE, path="/signin/sso")
    return response


@router.get("/signin/sso/{name}")
async def begin(request: Request, name: str, next: str = "/", link: int = 0) -> Response:
    provider = provider_named(request.app.state.settings, name)
    if provider is None:
        return RedirectResponse("/signin", status_code=303)
    try:
        provider = await discovered(provider)
    except (SsoFailed, OSError, ValueError, KeyError):
        return await _refused(request, "signin.sso.failed", provider.label, status=502)
    started = start(provider, _redirect_uri(request, name))
    pending = {"name": name, "state": started.state, "verifier": started.verifier, "nonce": started.nonce,
               "next": safe_next(next), "link": bool(link)}  # fmt: skip
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(PENDING_COOKIE, base64.urlsafe_b64encode(json.dumps(pending).encode()).decode(),
                        max_age=600, httponly=True, samesite="lax", secure=request.app.state.settings.secure_cookies(),
                        path="/signin/sso")  # fmt: skip
    return response


def _pending(request: Request) -> dict:
    try:
        return dict(json.loads(base64.urlsafe_b64decode(request.cookies.get(PENDING_COOKIE, "").encode())))
    except (ValueError, TypeError):
        return {}


@router.get("/signin/sso/{name}/callback")
async def callback(request: Request, name: str, code: str = "", state: str = "", authCode: str = "") -> Response:  # noqa: N803 - DingTalk's name
    code = code or authCode
    settings, pool = request.app.state.settings, request.app.state.pool
    provider, pending = provider_named(settings, name), _pending(request)
    if provider is None:
        return RedirectResponse("/signin", status_code=303)
    verdict = await refused_before(pool, SigninLimits.of(settings), client_of(request))
    if not verdict.allowed:
        return too_many(request, verdict)
    if (not code or not state or pending.get("name") != name
            or not hmac.compare_digest(str(pending.get("state", "")).encode(), state.encode())):
        return await _refused(request, "signin.sso.failed", provider.label)
    try:
        provider = await discovered(provider)
        subject = await subject_of(provider, _redirect_uri(request, name), code[:2000], pending["verifier"],
                                   pending["nonce"])  # fmt: skip
    except (SsoFailed, OSError, ValueError, KeyError) as err:
        log.warning("single sign-on refused", provider=name, reason=str(err))
        return await _refused(request, "signin.sso.failed", provider.label)
    issuer = provider.identity_issuer
    if pending.get("link"):
        me = await session_user(pool, request.cookies.get(SESSION_COOKIE, ""))
        if me is None:
            return await _refused(request, "signin.sso.failed", provider.label)
        if not await link_subject(pool, issuer, subject, me.id):
            return await _refused(request, "signin.sso.taken", provider.label, status=409)
        await people.record_user_event(pool, me.id, "oidc_linked", By(name=me.name, user_id=me.id), reason=issuer)
        response = RedirectResponse("/account/devices", status_code=303)
        response.delete_cookie(PENDING_COOKIE, path="/signin/sso")
        return response
    user = await user_by_subject(pool, issuer, subject)
    if user is None:
        return await _refused(request, "signin.sso.not_linked", provider.label, status=403)
    response = await session_response(request, user.id, pending.get("next", "/"))
    response.delete_cookie(PENDING_COOKIE, path="/signin/sso")
    return response
