"""Every page kind on a phone (390 px) and a desktop (1280 px), in Chinese and English (issue
17): nothing is wider than the screen, and axe-core (bundled by axe-playwright-python: no
network) finds no violation. One browser for the session, one context per person; a failure
lists every page, width and rule at once. Real HTTP, worker, Temporal and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

from axe_playwright_python.async_playwright import Axe

from store import process_templates
from tests.web.conftest import shot
from tests.web.helpers import call, project_at, soon
from tests.web.test_browser import sign_in_with_link

WIDTHS = (390, 1280)
AXE = Axe()
SHOTS = {"/dashboard": "dashboard", "/projects/RUNNING": "project"}  # tests/artifacts/screens


async def problems_of(page, path: str, lang: str, name: str | None = None) -> list[str]:
    """What is wrong with one page at both widths (a screenshot of each if named). The page
    is loaded once, on the phone's width first (charts are drawn for it, as on a phone; a
    chart drawn wider and shrunk later could be caught mid-resize), then laid out again wider."""
    found: list[str] = []
    await page.set_viewport_size({"width": WIDTHS[0], "height": 844})
    response = await page.goto(path)
    assert response is not None and response.status in (200, 403), (path, response and response.status)
    await page.wait_for_load_state("load")
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
        await page.wait_for_function("!document.querySelector('.echart[data-chart]:not([data-drawn])')")
        wide = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            culprit = await page.evaluate("""() => { const w = window.innerWidth; const out = [];
                for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
                  if (r.right > w + 1 && out.length < 3)
                    out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right)); }
                return out; }""")  # fmt: skip
            found.append(f"{lang} {width}px {path}: {wide}px too wide ({culprit})")
        if name:
            await shot(page, f"{name}-{lang}-{width}")
        result = await AXE.run(page)
        for v in result.response["violations"]:
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
            found.append(f"{lang} {width}px {path}: axe {v['id']} ({len(v['nodes'])}) {targets}")
    return found


async def test_every_page_kind_fits_a_phone_and_passes_axe(stack, live, page_of):
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    pid = await project_at(stack, team, "customer_acceptance")
    running = await project_at(stack, team, "execution")
    await call(stack, "POST", f"/v1/projects/{running}/risks", team["agent"], {
        "category": "market", "description": "房价在签约前上涨，客户可能放弃购买，需要提前锁定房源和价格",
        "likelihood": "medium", "impact": "high", "probability": "0.3", "loss_amount": "50000",
        "response": "reduce", "measures": "与卖方签订意向书", "owner": team["agent"].name, "review_on": soon(7)},
        201)  # fmt: skip
    complaint = await call(stack, "POST", "/v1/complaints", team["customer"], {
        "content": "带看时间一再推迟", "channel": "online", "project_id": pid}, 201)  # fmt: skip
    customer = await call(stack, "POST", "/v1/customers", team["agent"], {
        "name": "韩梅梅", "phone": f"139{uuid.uuid4().int % 10**8:08d}", "source": "walk_in", "grade": "A",
        "company": "梅梅贸易有限公司", "business_scope": "日用百货批发零售"}, 201)  # fmt: skip
    await call(stack, "POST", f"/v1/customers/{customer['id']}/consents", team["agent"], {
        "recipient": "安居律师事务所", "scope": ["联系方式"], "nda_reference": "NDA-1",
        "signed_at": "2026-01-05T10:00:00+08:00"}, 201)  # fmt: skip
    await call(stack, "POST", f"/v1/customers/{customer['id']}/shares", team["agent"], {
        "recipient": "安居律师事务所", "scope": "联系方式"}, 201)  # fmt: skip  (the card's shares and change log)
    # issue 14: the card with its follow-up, edit, consent and share (agent) and transfer (head) forms
    card = f"/customers/{customer['id']}"
    pages = {
        None: ["/signin"],
        "agent": ["/", "/projects", "/projects/new", f"/projects/{running}", "/complaints",
                  f"/complaints/new?project_id={pid}", "/processes", "/processes/new/expense", "/suggestions",
                  "/kpis?group_by=agent", "/archive", "/me", "/account/devices", "/dashboard",
                  "/customers?leads=true", "/customers/new", card],
        "dept_head": ["/", f"/projects/{pid}", f"/complaints/{complaint['id']}", "/appraisal", card,
                      "/customers/transfer", "/deals"],
        "customer": ["/", f"/projects/{pid}", "/complaints"],
        "operations": ["/dashboard", "/users", "/notifications", f"/projects/{running}"],
    }  # fmt: skip
    page = await page_of()  # the checks themselves can fail: a page too wide, an image with no text
    await page.route("**/bad", lambda route: route.fulfill(content_type="text/html", body=(
        '<!doctype html><html lang="en"><title>x</title><main><div style="width:600px">wide</div>'
        '<img src="/favicon.ico"></main></html>')))  # fmt: skip
    bad = await problems_of(page, "/bad", "en")
    assert any("390px /bad: 218px too wide" in p for p in bad) and any("axe image-alt" in p for p in bad), bad

    async def walk(who: str | None, paths: list[str]) -> list[str]:
        page, found = await page_of(), []
        if who is not None:
            await sign_in_with_link(page, live, stack.pool, team[who])
        for lang in ("zh", "en"):
            await page.goto(f"{paths[0]}?lang={lang}")  # remembered in a cookie
            for path in paths:
                name = SHOTS.get(path.replace(running, "RUNNING")) if who == "operations" else None
                found += await problems_of(page, path, lang, name)
        await page.context.close()
        return found

    # each person in their own context at once: the browser's and the server's waits overlap
    problems = [p for found in await asyncio.gather(*(walk(w, ps) for w, ps in pages.items())) for p in found]
    assert not problems, "\n".join(problems)


async def test_a_field_in_error_is_tied_to_its_message(stack, live, page_of):
    team = await stack.team()
    fresh = await call(stack, "POST", "/v1/projects", team["agent"], {
        "customer": {"name": "王小明", "phone": "13812345678"}, "channel": "visit", "requirement": "两居室",
        "business_type": "real_estate"}, 201)  # fmt: skip
    page = await page_of()
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in_with_link(page, live, stack.pool, team["agent"])
    await page.goto(f"/projects/{fresh['id']}")
    form = page.locator("#form-assessment")  # the agent's action first, before the project's summary
    assert await page.evaluate("document.querySelector('#form-assessment').compareDocumentPosition("
                               "document.querySelector('.columns')) & Node.DOCUMENT_POSITION_FOLLOWING")
    await form.locator("input[name=budget]").fill("很多")
    await form.locator("button[type=submit]").click()
    message = page.locator('#form-assessment .field-error[data-field="budget"]')
    await message.wait_for()
    budget = page.locator("#form-assessment input[name=budget]")
    assert await budget.get_attribute("aria-invalid") == "true"
    assert await message.get_attribute("id") in (await budget.get_attribute("aria-describedby")).split()
    assert (await AXE.run(page)).response["violations"] == []
