"""Who is signed in to the workspace, their CSRF token and language.

The session cookie is HttpOnly, SameSite=Lax (a link from a chat message opens the page
signed in; cross-site POSTs carry no cookie) and Secure unless the workspace is served on
plain-http loopback (Settings.secure_cookies). Every POST form carries a CSRF token derived
from the session id (store.sessions.csrf_token); sign-in forms, which have no session yet,
use a double-submit cookie.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData

from jindu.i18n import pick_language
from store.sessions import csrf_token, session_user
from store.users import User
from web.api import FormKeys

SESSION_COOKIE = "jindu_session"
SIGNIN_CSRF_COOKIE = "jindu_signin_csrf"
LANG_COOKIE = "jindu_lang"


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfRefused(Exception):
    """A POST form without the right CSRF token."""


def page_lang(request: Request) -> str:
    return pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def safe_next(path: str | None) -> str:
    """Only paths on this site: no scheme, no host, no `//`."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 500:
        return "/"
    return path


@dataclass
class Visitor:
    user: User
    session_id: str
    lang: str
    api: FormKeys

    @property
    def csrf(self) -> str:
        return csrf_token(self.session_id)


async def signed_in(request: Request) -> Visitor:
    session_id = request.cookies.get(SESSION_COOKIE, "")
    user = await session_user(request.app.state.pool, session_id) if session_id else None
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target if request.method == "GET" else "/")
    return Visitor(user=user, session_id=session_id, lang=page_lang(request), api=FormKeys(user))


SignedIn = Annotated[Visitor, Depends(signed_in)]


async def check_csrf(request: Request, visitor: Visitor) -> FormData:
    """The submitted form, once its CSRF token matches the session's."""
    form = await request.form(max_files=0, max_fields=200)
    sent = str(form.get("csrf") or "")
    if not hmac.compare_digest(sent.encode(), visitor.csrf.encode()):
        raise CsrfRefused()
    visitor.api.submission = str(form.get("submission") or "")
    return form


def new_signin_csrf() -> str:
    return secrets.token_urlsafe(24)


def check_signin_csrf(request: Request, sent: str) -> None:
    cookie = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), (sent or "").encode()):
        raise CsrfRefused()


def signin_redirect(next_path: str) -> str:
    return "/signin?next=" + quote(safe_next(next_path), safe="/")
