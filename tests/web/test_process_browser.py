"""In Chromium at phone width (issue 15): an applicant starts 费用报销 with an attachment, the
dept head approves it from the inbox, and the instance page draws the flow (ECharts, served by
Jindu under the workspace's CSP) at the finance node."""

from __future__ import annotations

import pytest

from store import process_templates
from tests.process_files import a_pdf, process_files
from tests.web.conftest import shot
from tests.web.test_browser import sign_in_with_link

PHONE = {"width": 390, "height": 844}
__all__ = ["process_files"]


@pytest.mark.usefixtures("process_files")
async def test_expense_started_on_a_phone_and_approved_from_the_inbox(stack, live, page_of):
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    errors: list[str] = []

    page = await page_of()
    await page.set_viewport_size(PHONE)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await sign_in_with_link(page, live, stack.pool, agent)
    await page.goto(live.url + "/processes")
    await page.click('a[data-template="expense"]')
    await page.fill("#f-amount", "1280.50")
    await page.select_option("#f-category", "差旅")
    await page.fill("#f-purpose", "上海客户拜访")
    await page.set_input_files("#f-receipts", files=[{"name": "发票-0001.pdf", "mimeType": "application/pdf",
                                                     "buffer": a_pdf()}])  # fmt: skip
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    await shot(page, "process-new-phone")
    await page.click("form.process-form button[type=submit]")
    await page.wait_for_url(live.url + "/processes/pr-*")
    pid = page.url.rsplit("/", 1)[1]

    approver = await page_of()
    await approver.set_viewport_size(PHONE)
    approver.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    await sign_in_with_link(approver, live, stack.pool, head)
    await approver.click(f'a[href="/processes/{pid}"]')
    await approver.fill("textarea[name=comment]", "同意报销")
    await approver.click("button[value=approve]")
    await approver.wait_for_url(live.url + f"/processes/{pid}")
    await approver.wait_for_selector("#process-flow[data-drawn=true] canvas")
    assert await approver.locator('.flow-node.state-current[data-node="finance"]').count() == 1
    assert "李" in await approver.inner_text("body") or head.name in await approver.inner_text("body")
    assert await approver.locator('a[data-file]', has_text="发票-0001.pdf").count() >= 1
    await shot(approver, "process-instance-phone")
    assert not [e for e in errors if "Content Security Policy" in e], errors
