"""OpenAPI docs that work offline: Swagger UI and ReDoc from the PyPI package
`fastapi-offline` (Swagger UI: Apache-2.0, ReDoc: MIT, package: MIT), served by the app
itself under /static/docs; no CDN, no web fonts (issue 8: mainland China, air-gapped sites).
No inline script either: Swagger UI starts from /static/swagger-init.js (issue 13)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.security_headers import DOCS_CSP

ASSETS = Path(fastapi_offline.__file__).parent / "static"
PREFIX = "/static/docs"
# The pages may load nothing from elsewhere: ReDoc's sidebar links a logo on a CDN, which
# this policy keeps the browser from requesting (it hides the image when it fails).
OFFLINE_CSP = DOCS_CSP
SWAGGER_PAGE = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{prefix}/swagger-ui.css">
<link rel="icon" href="{prefix}/favicon.png">
<title>{title}</title>
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{prefix}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""


def install_offline_docs(app: FastAPI) -> None:
    """Call on an app built with `docs_url=None, redoc_url=None`."""
    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="docs-assets")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _offline(HTMLResponse(SWAGGER_PAGE.format(prefix=PREFIX, title=escape(f"{title} API"),
                                                         openapi_url=escape(app.openapi_url or ""))))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _offline(get_redoc_html(openapi_url=app.openapi_url, title=f"{title} API",
                                       redoc_js_url=f"{PREFIX}/redoc.standalone.js",
                                       redoc_favicon_url=f"{PREFIX}/favicon.png", with_google_fonts=False))


def _offline(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = OFFLINE_CSP
    return page
