"""Single sign-on end to end (issue 17): Jindu's Authlib client against a real OpenID
provider on loopback (pyoidc's, tests/oidc_provider.py): authorization code with PKCE, the
signed ID token checked, the account found by (issuer, subject) — never by display name."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest_asyncio

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.identities import subjects_of
from tests.fixtures_stack import STACK_TASK_QUEUE
from tests.oidc_provider import OpenIdProvider

JINDU = "http://jindu.test"


@pytest_asyncio.fixture(loop_scope="session")
async def sso(stack, cipher):
    async with OpenIdProvider("jindu", "s3cret", f"{JINDU}/signin/sso/corp/callback") as op:
        settings = Settings(task_queue=STACK_TASK_QUEUE, public_url=JINDU, cookie_secure=False, oidc_providers=[
            {"name": "corp", "label": "企业账号", "issuer": op.issuer, "client_id": "jindu", "client_secret": "s3cret",
             "scope": "openid profile"}])  # fmt: skip
        app = create_app(settings, client=stack.client, pool=stack.pool, cipher=cipher, policy=ProjectPolicy())
        yield app, op


async def through_provider(jindu: httpx.AsyncClient, start: str) -> httpx.Response:
    """Follow the redirects a browser would: Jindu → the provider (real HTTP) → Jindu."""
    answer = await jindu.get(start)
    async with httpx.AsyncClient(follow_redirects=False) as outside:
        while answer.status_code in (302, 303) and not answer.headers["location"].startswith(JINDU):
            answer = await outside.get(answer.headers["location"])
    location = answer.headers.get("location", "")
    assert location.startswith(JINDU + "/signin/sso/corp/callback"), (answer.status_code, answer.text[:300])
    parts = urlsplit(location)
    return await jindu.get(f"{parts.path}?{parts.query}")


def browser(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=JINDU, follow_redirects=False)


async def test_a_person_links_their_provider_account_then_signs_in_with_it(stack, browserless, sso):
    app, op = sso
    person = await stack.person("dept_head", "sales")
    subject = "sub-" + uuid.uuid4().hex[:8]
    op.sign_in_as(subject, person.name)
    async with browser(app) as anonymous:  # not linked yet: nobody is signed in, not even by name
        signin = await anonymous.get("/signin?next=/me")
        assert "使用企业账号登录" in signin.text and 'href="/signin/sso/corp?next=/me"' in signin.text
        refused = await through_provider(anonymous, "/signin/sso/corp")
        assert refused.status_code == 403 and "尚未绑定" in refused.text
        assert "jindu_session" not in anonymous.cookies
    signed = await browserless(person)  # signed in with a link, they link their provider account
    async with browser(app) as http:
        http.cookies.set("jindu_session", signed.http.cookies["jindu_session"])
        linked = await through_provider(http, "/signin/sso/corp?link=1")
        assert linked.status_code == 303 and linked.headers["location"] == "/account/devices"
    links = await subjects_of(stack.pool, person.id)  # the provider's stable `sub` for this client
    assert len(links) == 1 and links[0][0] == op.issuer and links[0][1] not in ("", person.name)
    sent = op.token_requests[-1]
    assert sent["grant_type"] == "authorization_code" and len(sent["code_verifier"]) >= 43  # PKCE
    async with browser(app) as phone:
        done = await through_provider(phone, "/signin/sso/corp?next=/me")
        assert done.status_code == 303 and done.headers["location"] == "/me", done.text[:300]
        page = await phone.get("/me")
        assert page.status_code == 200 and person.name in page.text


async def test_a_forged_state_or_a_wrong_verifier_signs_nobody_in(stack, sso):
    app, op = sso
    op.sign_in_as("sub-" + uuid.uuid4().hex[:8], "someone")
    async with browser(app) as http:
        begin = await http.get("/signin/sso/corp")
        async with httpx.AsyncClient(follow_redirects=False) as outside:
            back = await outside.get(begin.headers["location"])
        parts = urlsplit(back.headers["location"])
        forged = parts.query.replace("state=", "state=x")
        refused = await http.get(f"{parts.path}?{forged}")
        assert refused.status_code == 401 and "jindu_session" not in http.cookies
    # The provider itself refuses a code traded without its PKCE verifier.
    async with browser(app) as http:
        begin = await http.get("/signin/sso/corp")
        async with httpx.AsyncClient(follow_redirects=False) as outside:
            back = await outside.get(begin.headers["location"])
            code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
            token = await outside.post(f"{op.issuer}/token", data={
                "grant_type": "authorization_code", "code": code, "client_id": "jindu", "client_secret": "s3cret",
                "redirect_uri": f"{JINDU}/signin/sso/corp/callback", "code_verifier": "x" * 50})  # fmt: skip
        assert token.status_code == 401 and "PCKE check failed" in token.text  # (pyoidc's spelling)
