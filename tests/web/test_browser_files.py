"""Documents in a real headless Chromium over real HTTP (uvicorn), with the real worker,
Temporal dev server and PostgreSQL: a customer on a phone-sized screen takes the photo of
the signed confirmation from the acceptance page and accepts; staff see and download it;
the auditor finds the project on 档案查询. Screenshots: tests/artifacts/screens/."""

from __future__ import annotations

import asyncio

import pytest_asyncio

from tests.api.test_attachments import PNG
from tests.web.conftest import shot
from tests.web.helpers import project_at
from tests.web.test_browser import sign_in_with_link


@pytest_asyncio.fixture(loop_scope="session")
async def live_files(live, tmp_path):
    before = live.app.state.settings
    live.app.state.settings = before.model_copy(update={"data_dir": tmp_path})
    yield live
    live.app.state.settings = before


async def completed(pool, pid: str) -> bool:
    for _ in range(100):
        if await pool.fetchval("SELECT stage FROM projects WHERE id = $1", pid) == "completed":
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_customer_photographs_the_signed_confirmation_and_accepts(stack, live_files, page_of):
    live, team = live_files, await stack.team()
    pid = await project_at(stack, team, "customer_acceptance")
    page = await page_of()
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in_with_link(page, live, stack.pool, team["customer"])
    await page.goto(f"/projects/{pid}")
    form = page.locator("#form-acceptance form")
    camera = form.locator('input[type=file][capture]')
    assert await camera.get_attribute("accept") == "image/*"
    await form.locator("input[name=accepted][value=true]").check()
    await form.locator("input[name=rating][value='5']").check()
    await camera.set_input_files(files=[{"name": "验收确认书.png", "mimeType": "image/png", "buffer": PNG}])
    await shot(page, "acceptance-with-photo-phone")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector(".done")
    assert await completed(stack.pool, pid)

    await page.goto(f"/projects/{pid}")
    link = page.locator("section.documents a", has_text="验收确认书.png")
    await link.wait_for()
    async with page.expect_download() as download:
        await link.click()
    saved = await (await download.value).path()
    assert saved is not None and open(saved, "rb").read() == PNG

    auditor = await page_of()
    await sign_in_with_link(auditor, live, stack.pool, team["auditor"])
    await auditor.goto("/archive")
    await auditor.fill("input[name=q]", "学区两居室")
    await auditor.fill("input[name=agent]", team["agent"].name)
    await auditor.click("form[role=search] button[type=submit]")
    await auditor.locator(f'tr[data-project="{pid}"]').wait_for()
    await shot(auditor, "archive-search")
