"""Security headers on every kind of page (api/security_headers.py): workspace HTML, the JSON
API (answers and errors), static files, the API docs; no page allows inline script."""

from __future__ import annotations

import re

import pytest

from api.security_headers import DOCS_CSP, WORKSPACE_CSP

COMMON = {"x-frame-options": "DENY", "referrer-policy": "same-origin", "x-content-type-options": "nosniff"}


def directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


def check(r, csp: str) -> None:
    for name, value in COMMON.items():
        assert r.headers[name] == value, (r.request.url, name)
    assert r.headers["content-security-policy"] == csp, r.request.url
    policy = directives(csp)
    assert policy["script-src"] == ["'self'"], r.request.url  # no inline script, no eval
    assert policy["frame-ancestors"] == ["'none'"] and policy["default-src"] == ["'self'"]


@pytest.mark.parametrize(("path", "kind"), [
    ("/signin", "text/html"),  # a workspace page
    ("/", None),  # the inbox sends a visitor to sign in: a redirect carries them too
    ("/static/jindu.css", "text/css"),
    ("/static/swagger-init.js", "javascript"),
    ("/openapi.json", "application/json"),
    ("/healthz", "application/json"),
    ("/no-such-page", "application/json"),
])  # fmt: skip
async def test_workspace_api_and_static_files_carry_the_strict_policy(api, path, kind):
    r = await api.http.get(path)
    check(r, WORKSPACE_CSP)
    if kind:
        assert kind in r.headers["content-type"], (path, r.headers["content-type"])
    assert "'unsafe-inline'" not in WORKSPACE_CSP


async def test_json_api_answers_and_errors_carry_them(api, users):
    ok = await api.http.get("/v1/projects", headers=users["agent"].headers)
    assert ok.status_code == 200
    check(ok, WORKSPACE_CSP)
    refused = await api.http.get("/v1/projects")
    assert refused.status_code == 401 and refused.json()["error"]["code"]
    check(refused, WORKSPACE_CSP)


async def test_docs_pages_run_no_inline_script(api):
    for path in ("/docs", "/redoc"):
        r = await api.http.get(path)
        assert r.status_code == 200
        check(r, DOCS_CSP)
        # Every <script> loads a file served here; none has a body.
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", r.text, re.S)
        assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts), scripts
        assert "style=" not in r.text
    assert "unsafe-inline" not in directives(DOCS_CSP)["script-src"]


async def test_workspace_templates_hold_no_inline_script_or_style():
    from pathlib import Path

    templates = Path(__file__).parents[2] / "web" / "templates"
    for page in templates.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), page
        assert not re.search(r"\son[a-z]+=", text), page  # onclick=…: inline script too
        assert "style=" not in text and "<style" not in text, page
