"""Single sign-on with OpenID Connect: authorization code with PKCE (S256), through Authlib.

A provider is configured in JINDU_OIDC_PROVIDERS (jindu/settings.py): a standard one
(Keycloak, Azure AD, Authing …) by its `issuer`, whose discovery document names the
endpoints and keys; one that speaks plain OAuth 2 with its own user endpoint (Feishu) by
`authorization_endpoint`, `token_endpoint`, `userinfo_endpoint` and the `subject_claim` that
stays the same for a person (Feishu `union_id`). DingTalk's and WeCom's non-standard code
exchanges are web/sso_platforms.py (`"kind": "dingtalk"` or `"wecom"`). A person is the pair (issuer,
subject), never a display name.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

from web.sso_platforms import PLATFORMS, authorization_url, platform_subject

TIMEOUT = 10.0
DISCOVERY_SECONDS = 3600.0


class SsoFailed(Exception):
    """The provider refused, or its answer does not prove who signed in."""


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    client_id: str
    client_secret: str
    issuer: str
    scope: str
    subject_claim: str
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    userinfo_endpoint: str = ""
    jwks_uri: str = ""
    kind: str = "oidc"  # oidc (and plain OAuth 2), dingtalk or wecom (web/sso_platforms.py)
    api_url: str = ""  # dingtalk, wecom: the platform's API (default: the vendor's)
    agent_id: str = ""  # wecom: the app's agent id

    @classmethod
    def of(cls, conf: dict[str, str]) -> Provider:
        return cls(name=conf["name"], label=conf.get("label") or conf["name"], client_id=conf["client_id"],
                   client_secret=conf.get("client_secret", ""), issuer=conf.get("issuer", "").rstrip("/"),
                   scope=conf.get("scope", "openid profile"), subject_claim=conf.get("subject_claim", "sub"),
                   authorization_endpoint=conf.get("authorization_endpoint", ""),
                   token_endpoint=conf.get("token_endpoint", ""),
                   userinfo_endpoint=conf.get("userinfo_endpoint", ""), jwks_uri=conf.get("jwks_uri", ""),
                   kind=conf.get("kind", "oidc"), api_url=conf.get("api_url", ""),
                   agent_id=conf.get("agent_id", ""))  # fmt: skip

    @property
    def identity_issuer(self) -> str:
        """What the link is stored under: the issuer, or `oauth:<name>` for a non-OIDC provider."""
        return self.issuer or f"oauth:{self.name}"


def provider_named(settings, name: str) -> Provider | None:
    for conf in settings.oidc_providers:
        if conf.get("name") == name:
            return Provider.of(conf)
    return None


_discovered: dict[str, tuple[float, Provider]] = {}


async def discovered(provider: Provider) -> Provider:
    """The endpoints from the issuer's discovery document (cached an hour), unless given."""
    if provider.kind != "oidc" or not provider.issuer or (provider.authorization_endpoint and
                                                          provider.token_endpoint):
        return provider
    cached = _discovered.get(provider.issuer)
    if cached and cached[0] > time.monotonic() and cached[1].client_id == provider.client_id:
        return cached[1]
    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        answer = await http.get(provider.issuer + "/.well-known/openid-configuration")
    if answer.status_code != 200:
        raise SsoFailed(f"discovery: HTTP {answer.status_code}")
    doc = answer.json()
    if doc.get("issuer", "").rstrip("/") != provider.issuer:
        raise SsoFailed("discovery names another issuer")
    found = Provider(**{**provider.__dict__, "authorization_endpoint": doc["authorization_endpoint"],
                        "token_endpoint": doc["token_endpoint"], "userinfo_endpoint": doc.get("userinfo_endpoint", ""),
                        "jwks_uri": doc.get("jwks_uri", "")})  # fmt: skip
    _discovered[provider.issuer] = (time.monotonic() + DISCOVERY_SECONDS, found)
    return found


@dataclass(frozen=True)
class Started:
    url: str
    state: str
    verifier: str
    nonce: str


def _client(provider: Provider, redirect_uri: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(client_id=provider.client_id, client_secret=provider.client_secret,
                             scope=provider.scope, redirect_uri=redirect_uri, code_challenge_method="S256",
                             token_endpoint_auth_method="client_secret_post", timeout=TIMEOUT)  # fmt: skip


def start(provider: Provider, redirect_uri: str) -> Started:
    """Where to send the browser: the authorization request with a fresh state, nonce and
    PKCE verifier (kept by the caller, sent again only to the token endpoint)."""
    state, verifier, nonce = generate_token(32), generate_token(48), generate_token(24)
    if provider.kind in PLATFORMS:
        return Started(authorization_url(provider, redirect_uri, state), state, verifier, nonce)
    url, _ = _client(provider, redirect_uri).create_authorization_url(
        provider.authorization_endpoint, state=state, code_verifier=verifier, nonce=nonce)
    return Started(url, state, verifier, nonce)


async def subject_of(provider: Provider, redirect_uri: str, code: str, verifier: str, nonce: str) -> str:
    """Trade the code (with the PKCE verifier) for tokens; the signed ID token's `sub`,
    checked for issuer, audience, expiry and nonce, or the user endpoint's subject claim."""
    if provider.kind in PLATFORMS:
        return await platform_subject(provider, code)
    async with _client(provider, redirect_uri) as client:
        try:
            token = await client.fetch_token(provider.token_endpoint, grant_type="authorization_code", code=code,
                                             code_verifier=verifier)  # fmt: skip
        except Exception as err:  # noqa: BLE001 - Authlib raises its OAuthError or httpx errors
            raise SsoFailed(f"token: {err}") from err
        if token.get("id_token") and provider.jwks_uri:
            return await _checked_sub(provider, client, token, nonce)
        if not provider.userinfo_endpoint:
            raise SsoFailed("no ID token and no user endpoint")
        answer = await client.get(provider.userinfo_endpoint)
    info: dict[str, Any] = answer.json() if answer.status_code == 200 else {}
    found = info.get(provider.subject_claim) or (info.get("data") or {}).get(provider.subject_claim)
    if not found:
        raise SsoFailed(f"user endpoint: no {provider.subject_claim}")
    return str(found)


async def _checked_sub(provider: Provider, client: AsyncOAuth2Client, token: dict, nonce: str) -> str:
    keys = (await client.get(provider.jwks_uri)).json()
    try:
        claims = jwt.decode(token["id_token"], JsonWebKey.import_key_set(keys), claims_cls=CodeIDToken,
                            claims_options={"iss": {"values": [provider.issuer]}},
                            claims_params={"nonce": nonce, "client_id": provider.client_id,
                                           "access_token": token.get("access_token")})  # fmt: skip
        claims.validate(leeway=120)
    except Exception as err:  # noqa: BLE001 - any failed check is a refused sign-in
        raise SsoFailed(f"id token: {err}") from err
    if provider.subject_claim != "sub" and claims.get(provider.subject_claim):
        return str(claims[provider.subject_claim])
    return str(claims["sub"])
