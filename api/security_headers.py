"""Security headers on every answer: workspace pages, the JSON API, static files, /docs.

The workspace runs no script at all and carries no inline style, so its policy is the
strictest: everything from this origin only, no inline script or style, never framed (the
signed-in inbox with its 同意 buttons must not render inside another page: clickjacking).
The API docs (Swagger UI, ReDoc; api/docs.py) run their scripts from files served here too,
but their libraries set inline styles, so their pages allow inline *style* and a blob:
worker, never inline script. A route may set its own policy; this middleware never replaces
one it finds, and adds the other headers to every answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WORKSPACE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
                 "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                 "frame-ancestors 'none'")  # fmt: skip
# No form-action here: with it, Chromium never settles on ReDoc's page (a screenshot of it
# hangs); the docs have no form to protect anyway (Swagger's "try it out" uses fetch).
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'none'")  # fmt: skip
HEADERS = (
    (b"x-frame-options", b"DENY"),  # for browsers that predate frame-ancestors
    (b"referrer-policy", b"same-origin"),  # a project id in a URL does not leave the site
    (b"x-content-type-options", b"nosniff"),
)
CSP = b"content-security-policy"


class SecurityHeaders:
    """Pure ASGI (no BaseHTTPMiddleware): streamed downloads pass through untouched."""

    def __init__(self, app: ASGIApp, csp: str = WORKSPACE_CSP) -> None:
        self.app, self.csp = app, csp.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in HEADERS if name not in present]
                if CSP not in present:
                    headers.append((CSP, self.csp))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
