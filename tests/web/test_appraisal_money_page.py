"""The appraisal page's deal columns and 收入与成本 table (issue 14), in Chinese and in English, on
a database of its own (the page reads company-wide tables). Rows as the writers leave them."""

from __future__ import annotations

from datetime import date

from tests.appraisal_rows import Seed
from tests.web.language_check import out_of_place, visible


async def test_the_page_shows_deals_and_revenue_against_expected_in_both_languages(own_stack, own_browserless):
    stack = own_stack
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    dept = agent.department
    pid = await Seed(stack.pool, dept).project(agent)
    await stack.pool.execute(  # the assessment's expected revenue and budget are kept with the deal
        "INSERT INTO deals (project_id, department, deal_date, value, commission, recorded_by, confirmed_by, "
        "confirmed_at, expected_revenue, budget) VALUES ($1, $2, $3, 1250000, 25000, $4, $5, now(), 1000000, 5000)",
        pid, dept, date(2025, 11, 10), agent.id, head.id)  # fmt: skip
    await stack.pool.execute("INSERT INTO deal_parts (project_id, agent_id, share, value, commission) "
                             "VALUES ($1, $2, 100, 1250000, 25000)", pid, agent.id)  # fmt: skip
    await stack.pool.execute("INSERT INTO project_costs (id, project_id, amount, description, spent_on, "
                             "recorded_by_id) VALUES ('cost-page', $1, 6000, 'fee', $2, $3)", pid,
                             date(2025, 11, 9), agent.id)  # fmt: skip
    v = await own_browserless(head)
    everyone = await own_browserless(team["executive"])  # every department: the sums, not each project
    assert "125.0%" in (await everyone.http.get("/appraisal", params={"period": "2025-11"})).text
    zh = await v.http.get("/appraisal", params={"period": "2025-11"})
    assert zh.status_code == 200, zh.text[:2000]
    # the agent's row: 1 deal, 1,250,000 and 25,000 yuan; revenue 125.0 % of expected, costs 120.0 % of budget
    assert "收入与成本" in zh.text and "成交数" in zh.text and "跟进及时率（%）" in zh.text
    money = zh.text[zh.text.index('id="money"'):]
    assert f'data-agent="{agent.id}"' in money and "125.0%" in money and "120.0%" in money
    assert "部门合计" in money
    en = await v.http.get("/appraisal", params={"period": "2025-11", "lang": "en"})
    assert "Revenue and costs" in en.text and "Revenue against expected (%)" in en.text
    for lang, page in (("zh", zh), ("en", en)):
        assert not out_of_place(visible(page.text), lang, (agent.name, head.name, dept)), lang
