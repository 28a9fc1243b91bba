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
    async for visitor in _visitors(stack):
        yield visitor


@pytest_asyncio.fixture(loop_scope="session")
async def own_browserless(own_stack):
    """`browserless` on a database of its own (tests/fixtures_stack.py `own_stack`)."""
    async for visitor in _visitors(own_stack):
        yield visitor


async def _visitors(stack):
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


# --------------------------------------------------------------------------- real HTTP + real browser

import asyncio  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import uvicorn  # noqa: E402

SCREENS = Path(__file__).parents[1] / "artifacts" / "screens"
CHROMIUM = os.environ.get("JINDU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class Live:
    url: str
    app: object
    settings: object

    async def link_for(self, pool, person) -> str:
        from api.routes.users import signin_url

        code = await issue_signin_link(pool, person.id, timedelta(hours=1))
        return signin_url(self.settings.public_url, code)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def live(stack, local_env, pool, cipher):
    """The real app under uvicorn on a free port (real HTTP), on the stack's worker queue."""
    from api.app import create_app
    from domain.policy import ProjectPolicy
    from jindu.settings import Settings
    from tests.fixtures_stack import STACK_TASK_QUEUE

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(task_queue=STACK_TASK_QUEUE, public_url=f"http://127.0.0.1:{port}")
    app = create_app(settings, client=local_env.client, pool=pool, cipher=cipher, policy=ProjectPolicy())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="on"))
    serving = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield Live(settings.public_url, app, settings)
    server.should_exit = True
    await serving


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser():
    """One headless Debian Chromium for the session, driven by Playwright (PyPI)."""
    from playwright.async_api import async_playwright

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: `make test` installs Debian's chromium (apt-get install chromium); "
                           "or set JINDU_CHROMIUM to a Chromium binary")
    SCREENS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        # Playwright's launch uses a fresh, temporary user-data dir of its own.
        chromium = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page_of(browser, live):
    """A fresh browser context (its own cookies) per person; `page_of()` opens a page."""
    contexts = []

    async def open_page():
        context = await browser.new_context(base_url=live.url, locale="zh-CN", timezone_id="Asia/Shanghai",
                                            viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return await context.new_page()

    yield open_page
    for context in contexts:
        await context.close()


async def shot(page, name: str) -> None:
    await page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)
