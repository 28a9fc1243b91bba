"""OpenAPI docs that work offline: Swagger UI and ReDoc from the PyPI package
`fastapi-offline` (Swagger UI: Apache-2.0, ReDoc: MIT, package: MIT), served by the app
itself under /static/docs; no CDN, no web fonts (issue 8: mainland China, air-gapped sites)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
PREFIX = "/static/docs"
# The pages may load nothing from elsewhere: ReDoc's sidebar links a logo on a CDN, which
# this policy keeps the browser from requesting (it hides the image when it fails).
OFFLINE_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'")


def install_offline_docs(app: FastAPI) -> None:
    """Call on an app built with `docs_url=None, redoc_url=None`."""
    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="docs-assets")
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _offline(get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{title} API",
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js", swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png",
            # No call to the public validator badge service.
            swagger_ui_parameters={"validatorUrl": None},
        ))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _offline(get_redoc_html(openapi_url=app.openapi_url, title=f"{title} API",
                                       redoc_js_url=f"{PREFIX}/redoc.standalone.js",
                                       redoc_favicon_url=f"{PREFIX}/favicon.png", with_google_fonts=False))


def _offline(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = OFFLINE_CSP
    return page
