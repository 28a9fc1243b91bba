"""Sign-in through DingTalk and WeCom, whose code exchanges are not standard OAuth 2
(web/oidc.py handles OpenID Connect and plain OAuth 2, Feishu's included).

- DingTalk (钉钉登录): the browser goes to `login.dingtalk.com/oauth2/auth`; the code comes
  back as `authCode` (or `code`); it is traded as JSON at `/v1.0/oauth2/userAccessToken` and
  the person read from `/v1.0/contact/users/me` with the `x-acs-dingtalk-access-token` header;
  the subject is their `unionId`.
- WeCom (企业微信登录): the browser goes to `login.work.weixin.qq.com/wwlogin/sso/login` with the
  corp id and agent id; the code is traded with the corp's own access token
  (`/cgi-bin/gettoken`, `/cgi-bin/auth/getuserinfo`); the subject is the member's `userid`
  (someone outside the corp, who has only an `openid`, signs nobody in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx

if TYPE_CHECKING:
    from web.oidc import Provider

TIMEOUT = 10.0
DINGTALK_LOGIN, DINGTALK_API = "https://login.dingtalk.com/oauth2/auth", "https://api.dingtalk.com"
WECOM_LOGIN, WECOM_API = "https://login.work.weixin.qq.com/wwlogin/sso/login", "https://qyapi.weixin.qq.com"
PLATFORMS = ("dingtalk", "wecom")


def authorization_url(provider: Provider, redirect_uri: str, state: str) -> str:
    if provider.kind == "dingtalk":
        query = {"redirect_uri": redirect_uri, "response_type": "code", "client_id": provider.client_id,
                 "scope": "openid", "state": state, "prompt": "consent"}  # fmt: skip
        return (provider.authorization_endpoint or DINGTALK_LOGIN) + "?" + urlencode(query)
    query = {"login_type": "CorpApp", "appid": provider.client_id, "agentid": provider.agent_id,
             "redirect_uri": redirect_uri, "state": state}  # fmt: skip
    return (provider.authorization_endpoint or WECOM_LOGIN) + "?" + urlencode(query)


async def platform_subject(provider: Provider, code: str) -> str:
    from web.oidc import SsoFailed

    api = (provider.api_url or (DINGTALK_API if provider.kind == "dingtalk" else WECOM_API)).rstrip("/")
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        if provider.kind == "dingtalk":
            token = (await http.post(api + "/v1.0/oauth2/userAccessToken", json={
                "clientId": provider.client_id, "clientSecret": provider.client_secret, "code": code,
                "grantType": "authorization_code"})).json()  # fmt: skip
            if not token.get("accessToken"):
                raise SsoFailed(f"dingtalk token: {token.get('code') or token}")
            me = (await http.get(api + "/v1.0/contact/users/me",
                                 headers={"x-acs-dingtalk-access-token": token["accessToken"]})).json()  # fmt: skip
            subject = me.get("unionId")
        else:
            corp = (await http.get(api + "/cgi-bin/gettoken", params={"corpid": provider.client_id,
                                                                      "corpsecret": provider.client_secret})).json()
            if corp.get("errcode", 0) != 0 or not corp.get("access_token"):
                raise SsoFailed(f"wecom token: errcode {corp.get('errcode')}")
            me = (await http.get(api + "/cgi-bin/auth/getuserinfo",
                                 params={"access_token": corp["access_token"], "code": code})).json()  # fmt: skip
            if me.get("errcode", 0) != 0:
                raise SsoFailed(f"wecom user: errcode {me.get('errcode')}")
            subject = me.get("userid") or me.get("UserId")
    if not subject:
        raise SsoFailed(f"{provider.kind}: no subject")
    return str(subject)
