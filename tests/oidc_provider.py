"""A real OpenID provider on loopback for the single sign-on test: pyoidc's certified
`oic.oic.provider.Provider` (discovery, authorization, token, user info, signed ID tokens
with its own RSA key), served over HTTP by uvicorn.

pyoidc's OpenID provider does not check PKCE itself; `PkceProvider` adds the check RFC 7636
asks of the token endpoint with pyoidc's own `verify_code_challenge` (its OAuth 2 extension
provider's), so a token request without the right verifier is refused.

Who is signed in at the provider is `OpenIdProvider.person` (the provider's own login is
not what is tested)."""

from __future__ import annotations

import asyncio
import socket
import time
from urllib.parse import parse_qs

import uvicorn
from oic import rndstr
from oic.extension.provider import Provider as ExtensionProvider
from oic.oauth2.message import AuthorizationRequest
from oic.oic.provider import Provider
from oic.utils.authn.authn_context import AuthnBroker
from oic.utils.authn.client import verify_client
from oic.utils.authn.user import UserAuthnMethod
from oic.utils.authz import AuthzHandling
from oic.utils.http_util import Response as OicResponse
from oic.utils.keyio import build_keyjar
from oic.utils.sdb import create_session_db
from oic.utils.userinfo import UserInfo
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route


class PkceProvider(Provider):
    def code_grant_type(self, areq):
        try:
            asked = AuthorizationRequest().from_json(self.sdb[areq["code"]]["authzreq"])
        except KeyError:
            return super().code_grant_type(areq)
        if "code_challenge" in asked:
            checked = ExtensionProvider.verify_code_challenge(
                str(areq.get("code_verifier", "")), asked["code_challenge"],
                asked.get("code_challenge_method", "S256"))
            if checked is not True:
                return checked
        return super().code_grant_type(areq)


class Signed(UserAuthnMethod):
    def __init__(self, srv, op: OpenIdProvider) -> None:
        UserAuthnMethod.__init__(self, srv)
        self.op = op

    def authenticated_as(self, cookie=None, **kwargs):
        return {"uid": self.op.person}, time.time()


class OpenIdProvider:
    def __init__(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.person = ""
        self.users: dict[str, dict] = {}
        broker = AuthnBroker()
        broker.add("UNDEFINED", Signed(None, self))
        cdb = {client_id: {"client_secret": client_secret, "redirect_uris": [(redirect_uri, None)],
                           "client_salt": rndstr(8), "token_endpoint_auth_method": "client_secret_post",
                           "response_types": ["code"]}}  # fmt: skip
        _, keyjar, _ = build_keyjar([{"type": "RSA", "use": ["sig"], "name": ""}])  # in memory: no key files
        self.provider = PkceProvider(self.issuer, create_session_db(self.issuer, rndstr(32), rndstr(32)), cdb, broker,
                                     UserInfo(self.users), AuthzHandling(), verify_client, rndstr(16), keyjar=keyjar,
                                     jwks_uri=f"{self.issuer}/jwks")  # fmt: skip
        self.provider.baseurl = self.issuer
        self.app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self._discovery),
            Route("/authorization", self._authorization),
            Route("/token", self._token, methods=["POST"]),
            Route("/userinfo", self._userinfo, methods=["GET", "POST"]),
            Route("/jwks", self._jwks),
        ])
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_config=None,
                                                    access_log=False, lifespan="off"))  # fmt: skip
        self.token_requests: list[dict] = []

    def sign_in_as(self, subject: str, name: str) -> None:
        """The person signed in at the provider; `name` is their display name there."""
        self.users[subject] = {"sub": subject, "name": name}
        self.person = subject

    @staticmethod
    def _answer(made: OicResponse) -> Response:
        if made.status_code in (301, 302, 303):
            return RedirectResponse(made.message, status_code=303)
        kind = next((v for k, v in made.headers if k.lower() == "content-type"), "application/json")
        return Response(made.message, status_code=made.status_code, media_type=kind)

    async def _discovery(self, request: Request) -> Response:
        return self._answer(self.provider.providerinfo_endpoint())

    async def _authorization(self, request: Request) -> Response:
        return self._answer(self.provider.authorization_endpoint(request=request.url.query))

    async def _token(self, request: Request) -> Response:
        body = (await request.body()).decode()
        self.token_requests.append({k: v[0] for k, v in parse_qs(body).items()})
        return self._answer(self.provider.token_endpoint(request=body,
                                                         authn=request.headers.get("authorization", "")))

    async def _userinfo(self, request: Request) -> Response:
        return self._answer(self.provider.userinfo_endpoint(request=request.url.query,
                                                            authn=request.headers.get("authorization", "")))

    async def _jwks(self, request: Request) -> Response:
        return JSONResponse(self.provider.keyjar.export_jwks())

    async def __aenter__(self) -> OpenIdProvider:
        self.serving = asyncio.create_task(self.server.serve())
        for _ in range(200):
            if self.server.started:
                return self
            await asyncio.sleep(0.05)
        raise RuntimeError("the OpenID provider did not start")

    async def __aexit__(self, *exc) -> None:
        self.server.should_exit = True
        await self.serving
