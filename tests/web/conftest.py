"""Workspace tests: the real app (stack fixture: real worker, Temporal dev server,
PostgreSQL), driven like a browser without one: cookies, forms, CSRF tokens."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest_asyncio

from store.sessions import issue_signin_link

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


class Visitor:
    """One person's browser: its own cookie jar against the real app."""

    def __init__(self, app) -> None:
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://jindu.test",
                                      follow_redirects=False)

    async def sign_in_with_code(self, code: str) -> httpx.Response:
        page = await self.http.get(f"/signin/link?code={code}")
        assert page.status_code == 200, page.text
        return await self.http.post("/signin/link", data={"code": code, "csrf": csrf_of(page.text)})

    async def sign_in_with_token(self, token: str) -> httpx.Response:
        page = await self.http.get("/signin")
        return await self.http.post("/signin", data={"token": token, "csrf": csrf_of(page.text), "next": "/"})

    async def submit(self, page_path: str, action: str, data: dict) -> httpx.Response:
        """Post a form found on `page_path` with that page's CSRF token."""
        page = await self.http.get(page_path)
        assert page.status_code == 200, page.text
        return await self.http.post(action, data={**data, "csrf": csrf_of(page.text)})

    async def close(self) -> None:
        await self.http.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def browserless(stack):
    made: list[Visitor] = []

    async def visitor(person=None) -> Visitor:
        v = Visitor(stack.app)
        made.append(v)
        if person is not None:
            code = await issue_signin_link(stack.pool, person.id, timedelta(hours=1))
            r = await v.sign_in_with_code(code)
            assert r.status_code == 303, r.text
        return v

    yield visitor
    for v in made:
        await v.close()
