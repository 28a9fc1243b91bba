"""The appraisal page: the scorecard and service KPIs with charts (ECharts, with their figures), Chinese by default,
downloads that work for the signed-in user, and the API's refusals shown as pages."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import openpyxl
import pytest

from tests.appraisal_rows import Seed, at


@pytest.fixture
async def department(stack):
    """Agent W: one key node due and done, one rating of 4, one complaint answered on time."""
    dept = f"pg-{uuid.uuid4().hex[:6]}"
    agent = await stack.person("agent", dept)
    seed = Seed(stack.pool, dept)
    pid = await seed.project(agent)
    await seed.milestone(pid, "viewing", date(2025, 11, 5), date(2025, 11, 5))
    await seed.rating(pid, agent, 4, at(6), "acceptance")
    await seed.complaint(pid=pid, agent=agent, filed=at(3), first_due=at(4), first_replied=at(3, 12),
                         resolution_due=at(10), answered=at(7), resolved=True, satisfied=True, rating=5)
    return dept, agent, await stack.person("dept_head", dept)


async def test_a_dept_head_sees_the_scorecard_with_charts_and_downloads_it(stack, browserless, department):
    dept, agent, head = department
    v = await browserless(head)
    page = await v.http.get("/appraisal?period=2025-11")
    assert page.status_code == 200, page.text[:2000]
    html = page.text
    assert "业绩考核" in html and "员工考核" in html and "客户服务指标" in html
    assert agent.name in html and "data-chart='" in html and "2025-11-01 至 2025-11-30" in html
    assert 'id="chart-appraisal-total_score"' in html and '<script src="/static/charts.js"></script>' in html
    # completion 100, satisfaction 80, complaints on time 100, risk 100:
    # (20·100 + 25·80 + 10·100 + 10·100) / 65 = 92.31
    assert "92.31" in html and "100.0%" in html
    assert 'href="/appraisal/download?what=appraisal&amp;format=xlsx&amp;period=2025-11"' in html

    r = await v.http.get("/appraisal/download?what=appraisal&format=xlsx&period=2025-11")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith('attachment; filename="appraisal-2025-11-')
    sheet = openpyxl.load_workbook(io.BytesIO(r.content))["考核结果"]
    table = list(sheet.iter_rows(values_only=True))
    row = dict(zip(table[0], table[1], strict=True))
    assert (row["姓名"], row["总分"], row["部门排名"]) == (agent.name, 92.31, 1)

    r = await v.http.get("/appraisal/download?what=service&format=csv&period=2025-11")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert (rows[0]["部门"], rows[0]["收到投诉"], rows[0]["处理后满意度得分"]) == (dept, "1", "100.0")

    kpis = await v.http.get("/kpis")
    assert 'href="/appraisal"' in kpis.text


async def test_in_english_on_request(stack, browserless, department):
    _, _, head = department
    v = await browserless(head)
    page = await v.http.get("/appraisal?period=2025-11&lang=en")
    assert page.status_code == 200 and "Performance appraisal" in page.text and "Staff scorecard" in page.text
    r = await v.http.get("/appraisal/download?what=appraisal&format=csv&period=2025-11")
    assert r.content.decode("utf-8-sig").startswith("Department,Name,")


async def test_refusals_are_pages_not_errors(stack, browserless, department):
    dept, agent, head = department
    v = await browserless(agent)
    for path in ("/appraisal", "/appraisal/download?what=appraisal&format=xlsx"):
        page = await v.http.get(path)
        assert page.status_code == 403 and "Traceback" not in page.text
    assert 'href="/appraisal"' not in (await v.http.get("/kpis")).text
    v = await browserless(head)
    page = await v.http.get("/appraisal?period=2025-13")
    assert page.status_code == 422 and "Traceback" not in page.text
    page = await v.http.get("/appraisal/download?what=service&format=csv&department=elsewhere")
    assert page.status_code == 403
    executive = await stack.person("executive")
    v = await browserless(executive)
    page = await v.http.get(f"/appraisal?period=2025-11&department={dept}")
    assert page.status_code == 200 and agent.name in page.text
    assert (await v.http.get("/appraisal")).status_code == 200  # every department, this month
