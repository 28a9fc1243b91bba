"""The workspace is a face of the service layer, not an HTTP client of its own API (issue 13,
STYLE 16): no page module imports an HTTP client or names a `/v1/` route to call. The two
single sign-on modules talk to outside identity providers (OIDC, DingTalk, WeCom), never to
Jindu's own API: they may hold an HTTP client, but not an in-process transport or a route."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
HTTP_CLIENTS = {"httpx", "requests", "aiohttp", "urllib.request"}
IDENTITY_PROVIDERS = {"oidc.py", "sso_platforms.py"}  # outside services only


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_page_sends_http_to_the_api():
    modules = sorted(WEB.rglob("*.py"))
    assert len(modules) > 10
    for path in modules:
        clients = {n for n in _imports(path) if n.split(".")[0] in HTTP_CLIENTS or n in HTTP_CLIENTS}
        text = path.read_text(encoding="utf-8")
        if path.name in IDENTITY_PROVIDERS:
            assert "ASGITransport" not in text and "request.app" not in text
        else:
            assert not clients, f"{path.relative_to(WEB.parent)} imports {clients}"
        assert '"/v1/' not in text, f"{path.relative_to(WEB.parent)} names a /v1 route"
