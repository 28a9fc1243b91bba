"""The 成交业绩 page (issue 14) with hand-computed figures: in a real Chromium at a phone's width
the dept head reads their department's deals per agent and in total for a month and a quarter,
with the ECharts bar chart drawn; the agent sees only their own row. Every department at once
(an executive) on a database of its own. Deal rows as the deal writers leave them."""

from __future__ import annotations

from datetime import date

from tests.appraisal_rows import Seed
from tests.web.test_browser import sign_in_with_link


async def deal(pool, dept: str, agent, head, day: date, value: int, commission: int,
               parts: list[tuple[object, int]], *, expected: int | None = None, confirmed: bool = True) -> None:  # type: ignore[no-untyped-def]
    pid = await Seed(pool, dept).project(agent)
    await pool.execute(
        "INSERT INTO deals (project_id, department, deal_date, value, commission, recorded_by, confirmed_by, "
        "confirmed_at, expected_revenue) VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8 THEN now() END, $9)",
        pid, dept, day, value, commission, agent.id, head.id if confirmed else None, confirmed, expected)  # fmt: skip
    await pool.executemany("INSERT INTO deal_parts (project_id, agent_id, share, value, commission) "
                           "VALUES ($1, $2, $3, $4, $5)",
                           [(pid, who.id, share, value * share // 100, commission * share // 100)
                            for who, share in parts])  # fmt: skip


async def department_with_deals(stack) -> tuple[dict, object]:  # type: ignore[no-untyped-def]
    """November 2025: A 1,250,000 / 25,000 split 70:30 (expected 1,000,000), B 400,000 / 12,000
    the colleague's alone (expected 500,000), one unconfirmed; December: C 100,000 / 3,000."""
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    colleague = await stack.person("agent", agent.department)
    dept, pool = agent.department, stack.pool
    await deal(pool, dept, agent, head, date(2025, 11, 10), 1250000, 25000, [(agent, 70), (colleague, 30)],
               expected=1000000)  # fmt: skip
    await deal(pool, dept, colleague, head, date(2025, 11, 20), 400000, 12000, [(colleague, 100)], expected=500000)
    await deal(pool, dept, agent, head, date(2025, 11, 21), 999000, 9000, [(agent, 100)], confirmed=False)
    await deal(pool, dept, agent, head, date(2025, 12, 1), 100000, 3000, [(agent, 100)])
    return team, colleague


async def figures(page, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [(await c.inner_text()).strip() for c in await page.locator(f"{selector} td[data-figure]").all()]


async def test_the_dept_head_reads_the_departments_deals_on_a_phone(stack, live, page_of):
    team, colleague = await department_with_deals(stack)
    agent, head = team["agent"], team["dept_head"]
    page = await page_of()
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in_with_link(page, live, stack.pool, head)
    await page.click("header.top nav a[href='/deals']")
    await page.goto("/deals?period=2025-11")
    # deals, value, commission, revenue of expected, expected, rate — by hand:
    # agent 70 %: 875,000 / 17,500, recorded A: 1,250,000 of 1,000,000 = 125.0 %
    # colleague 30 % of A + B: 775,000 / 19,500, recorded B: 400,000 of 500,000 = 80.0 %
    # the department: 2 deals (A once), 1,650,000 / 37,000, 1,650,000 of 1,500,000 = 110.0 %
    assert await figures(page, f"tr[data-agent='{agent.id}']") == ["1", "¥87.5万", "¥1.75万", "¥125万", "¥100万",
                                                                  "125.0%"]  # fmt: skip
    assert await figures(page, f"tr[data-agent='{colleague.id}']") == ["2", "¥77.5万", "¥1.95万", "¥40万", "¥50万",
                                                                       "80.0%"]  # fmt: skip
    assert await figures(page, "#departments tr[data-department]") == ["2", "¥165万", "¥3.7万", "¥165万", "¥150万",
                                                                       "110.0%"]  # fmt: skip
    await page.wait_for_selector("#chart-deals-value .echart canvas")  # ECharts drew the bars
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390

    await page.fill("input[name=period]", "2025-Q4")  # the quarter adds December's deal C (no expected revenue)
    await page.click("form.filters button[type=submit]")
    await page.wait_for_url("**/deals?period=2025-Q4")
    assert await figures(page, f"tr[data-agent='{agent.id}']") == ["2", "¥97.5万", "¥2.05万", "¥125万", "¥100万",
                                                                  "125.0%"]  # fmt: skip
    assert await figures(page, "#departments tr[data-department]") == ["3", "¥175万", "¥4万", "¥165万", "¥150万",
                                                                       "110.0%"]  # fmt: skip

    own = await page_of()
    await sign_in_with_link(own, live, stack.pool, agent)
    await own.goto("/deals?period=2025-11")
    assert await own.locator("tr[data-agent]").count() == 1
    assert await figures(own, f"tr[data-agent='{agent.id}']") == ["1", "¥87.5万", "¥1.75万", "¥125万", "¥100万",
                                                                 "125.0%"]  # fmt: skip
    assert await own.locator("#departments").count() == 0


async def test_every_department_for_the_executive_and_no_other_department_for_a_head(own_stack, own_browserless):
    stack = own_stack
    team, colleague = await department_with_deals(stack)
    other = await stack.team()
    await deal(stack.pool, other["agent"].department, other["agent"], other["dept_head"], date(2025, 11, 3),
               200000, 4000, [(other["agent"], 100)])  # fmt: skip
    executive = await own_browserless(team["executive"])
    page = await executive.http.get("/deals", params={"period": "2025-11"})
    assert page.status_code == 200, page.text[:2000]
    rows = page.text[page.text.index('id="departments"'):page.text.index('id="agents"')]
    assert rows.count("data-department=") == 2 and "¥165万" in rows and "¥20万" in rows
    assert page.text.count("data-agent=") == 3
    english = await executive.http.get("/deals", params={"period": "2025-11", "lang": "en"})
    assert "Deal figures" in english.text and "¥1,650,000" in english.text
    head = await own_browserless(other["dept_head"])
    refused = await head.http.get("/deals", params={"period": "2025-11", "department": team["agent"].department})
    assert refused.status_code == 403
    auditor = await own_browserless(team["auditor"])
    assert (await auditor.http.get("/deals")).status_code == 403
    bad = await executive.http.get("/deals", params={"period": "2025-13"})
    assert bad.status_code == 422
