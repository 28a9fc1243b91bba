"""Sign-in through DingTalk and WeCom (issue 17): their non-standard code exchanges
(web/sso_platforms.py) against a real HTTP endpoint on loopback standing in for each
platform's API; the account is found by unionId / userid, linked first, never by name."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from store.identities import link_subject
from tests.channels.platforms import PlatformServer
from tests.fixtures_stack import STACK_TASK_QUEUE

JINDU = "http://jindu.test"


def app_with(stack, cipher, provider: dict):
    settings = Settings(task_queue=STACK_TASK_QUEUE, public_url=JINDU, cookie_secure=False,
                        oidc_providers=[provider])  # fmt: skip
    return create_app(settings, client=stack.client, pool=stack.pool, cipher=cipher, policy=ProjectPolicy())


async def come_back(app, name: str, code_param: str) -> tuple[dict, httpx.Response, httpx.AsyncClient]:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=JINDU, follow_redirects=False)
    gone = await http.get(f"/signin/sso/{name}")
    asked = {k: v[0] for k, v in parse_qs(urlsplit(gone.headers["location"]).query).items()}
    back = await http.get(f"/signin/sso/{name}/callback?{code_param}=the-code&state={asked['state']}")
    return asked, back, http


async def test_dingtalk_signs_in_the_person_linked_to_their_union_id(stack, cipher):
    person = await stack.person("agent", "sales")
    async with PlatformServer() as api:
        api.routes = {"/v1.0/oauth2/userAccessToken": lambda c: {"accessToken": "ua1", "expireIn": 7200},
                      "/v1.0/contact/users/me": lambda c: {"unionId": "union-9", "nick": person.name}}
        app = app_with(stack, cipher, {"name": "ding", "label": "钉钉", "kind": "dingtalk", "client_id": "dingkey",
                                       "client_secret": "s", "api_url": api.url})  # fmt: skip
        asked, refused, _ = await come_back(app, "ding", "authCode")
        assert asked["client_id"] == "dingkey" and asked["redirect_uri"] == f"{JINDU}/signin/sso/ding/callback"
        assert refused.status_code == 403  # union-9 is linked to nobody yet; the nick is not used
        await link_subject(stack.pool, "oauth:ding", "union-9", person.id)
        _, signed, http = await come_back(app, "ding", "authCode")
        assert signed.status_code == 303 and (await http.get("/")).status_code == 200
        await http.aclose()
    exchange = next(c for c in api.calls if c.path == "/v1.0/oauth2/userAccessToken")
    assert exchange.body == {"clientId": "dingkey", "clientSecret": "s", "code": "the-code",
                             "grantType": "authorization_code"}  # fmt: skip
    me = next(c for c in api.calls if c.path == "/v1.0/contact/users/me")
    assert me.headers["x-acs-dingtalk-access-token"] == "ua1"


async def test_wecom_signs_in_a_member_by_userid_and_nobody_from_outside(stack, cipher):
    person = await stack.person("dept_head", "sales")
    outsider = [False]
    async with PlatformServer() as api:
        api.routes = {"/cgi-bin/gettoken": lambda c: {"errcode": 0, "access_token": "corp-t", "expires_in": 7200},
                      "/cgi-bin/auth/getuserinfo": lambda c: ({"errcode": 0, "openid": "o-1"} if outsider[0]
                                                              else {"errcode": 0, "userid": "LiQiang"})}  # fmt: skip
        app = app_with(stack, cipher, {"name": "wecom", "label": "企业微信", "kind": "wecom", "client_id": "corp1",
                                       "client_secret": "s", "agent_id": "1000002", "api_url": api.url})  # fmt: skip
        await link_subject(stack.pool, "oauth:wecom", "LiQiang", person.id)
        asked, signed, http = await come_back(app, "wecom", "code")
        assert asked["appid"] == "corp1" and asked["agentid"] == "1000002"
        assert signed.status_code == 303 and (await http.get("/")).status_code == 200
        await http.aclose()
        outsider[0] = True
        _, refused, http = await come_back(app, "wecom", "code")
        assert refused.status_code == 401 and "jindu_session" not in http.cookies
        await http.aclose()
    info = next(c for c in api.calls if c.path == "/cgi-bin/auth/getuserinfo")
    assert info.query == {"access_token": "corp-t", "code": "the-code"}
