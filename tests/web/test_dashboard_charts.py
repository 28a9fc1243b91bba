"""Charts that read at a glance (issue 17): the dashboard's trends, stage funnel, where
projects wait and approvers' response times, each an ECharts chart served by Jindu with its
figures as a table beside it; a project's milestones planned against actual; the favicon.
Real worker, Temporal and PostgreSQL; the pages without a browser (the browser test draws them)."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

from jindu.services import flow
from jindu.services.office import Office
from store.flow_figures import FUNNEL
from store.users import user_by_name
from tests.web.helpers import project_at

CHART = re.compile(r"""data-chart='([^']*)'""")


def charts_of(page: str) -> list[dict]:
    return [json.loads(html.unescape(found)) for found in CHART.findall(page)]


async def test_the_dashboard_charts_how_projects_flow(own_stack, own_browserless):
    """On a database of its own: the approvers' chart keeps the busiest few, company-wide."""
    stack, browserless = own_stack, own_browserless
    team = await stack.team()
    pid = await project_at(stack, team, "customer_acceptance")
    office = Office.of(stack.app.state)
    ops = await user_by_name(stack.pool, team["operations"].name)
    moves = await flow.flow(office, ops, datetime.now(UTC) + timedelta(minutes=1))

    assert len(moves.weeks) == 12 and moves.weeks[-1].open >= 1
    reached = {s.stage: s.projects for s in moves.funnel}
    assert [s.stage for s in moves.funnel] == list(FUNNEL)
    assert reached["intake"] >= reached["assessment"] >= reached["customer_acceptance"] >= 1, reached
    stages = {w.stage for w in moves.waits if w.department == team["agent"].department}
    assert {"assessment", "initiation_approval", "plan_approval", "result_review", "customer_acceptance"} <= stages
    assert all(0 <= w.median_days <= w.p90_days for w in moves.waits)
    head = next(a for a in moves.approvers if a.approver == team["dept_head"].name)
    assert head.decisions == 3 and 0 <= head.median_hours <= head.p90_hours

    page = (await (await browserless(team["operations"])).http.get("/dashboard")).text
    drawn = charts_of(page)
    assert [c["type"] for c in drawn] == ["lines", "funnel", "bars", "bars"]
    assert drawn[0]["series"][0]["name"] == "进行中项目" and len(drawn[0]["categories"]) == 12
    assert team["dept_head"].name in drawn[3]["categories"]
    assert page.count('<table class="figures list">') == 4  # each chart's figures beside it
    assert 'id="waits-by-department"' in page and team["agent"].department in page
    assert '<script src="/static/charts.js"></script>' in page and "<script>" not in page

    english = (await (await browserless(team["executive"])).http.get("/dashboard?lang=en")).text
    assert "Stage funnel" in english and "Open projects" in english

    project = (await (await browserless(team["agent"])).http.get(f"/projects/{pid}")).text
    gantt = next(c for c in charts_of(project) if c["type"] == "gantt")
    assert [r["name"] for r in gantt["rows"]] == ["带看", "签约"]
    assert all(r["done"] for r in gantt["rows"]) and gantt["labels"]["planned"] == "计划"


async def test_the_favicon_is_served(stack):
    r = await stack.http.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon" and r.content[:4] == b"\0\0\1\0"
