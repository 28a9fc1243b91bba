"""Pages turn forms into the API's bodies (shape only) and show the API's answer."""

from __future__ import annotations

from starlette.datastructures import FormData

from tests.web.helpers import call, project_at, soon
from web import forms


def test_rows_and_lines_become_lists_and_empty_fields_are_left_out():
    plan = forms.plan(FormData([("goals", " 签约 "), ("responsibilities", "王芳"), ("resources", ""),
                                ("milestones.0.name", "带看"), ("milestones.0.due_date", "2026-12-01"),
                                ("milestones.2.name", "签约"), ("milestones.2.due_date", "")]))
    assert plan == {"goals": "签约", "responsibilities": "王芳",
                    "milestones": [{"name": "带看", "due_date": "2026-12-01"}, {"name": "签约"}]}
    objection = forms.acceptance(FormData([("accepted", "false"), ("objections", "太晚\n\n价格高 ")]))
    assert objection == {"accepted": False, "objections": ["太晚", "价格高"]}
    accept = forms.acceptance(FormData([("accepted", "true"), ("rating", "5"), ("objections", "x")]))
    assert accept == {"accepted": True, "rating": "5"}
    analysis = forms.warning_analysis(FormData([("cause", "people"), ("analysis", "人手不足"),
                                                ("measures.1.description", "增派人手"), ("measures.1.owner", "王芳"),
                                                ("measures.1.deadline_working_days", "3")]))
    assert analysis["measures"] == [{"description": "增派人手", "owner": "王芳", "deadline_working_days": "3"}]


async def test_intake_from_the_page_starts_the_project(stack, browserless):
    team = await stack.team()
    agent = await browserless(team["agent"])
    r = await agent.submit("/projects/new", "/projects/new", {
        "channel": "online", "business_type": "rental", "requirement": "两居室整租",
        "customer_name": "韩梅梅", "customer_phone": "13900000000", "customer_user": team["customer"].name})
    assert r.status_code == 303, r.text
    pid = r.headers["location"].split("/")[2].split("?")[0]
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    assert view["stage"] == "assessment" and view["customer"]["name"] == "韩梅梅"
    page = await agent.http.get(r.headers["location"])
    assert "咨询已登记，项目已创建。" in page.text and 'id="form-assessment"' in page.text


async def test_a_bad_milestone_row_is_marked_on_that_row(stack, browserless):
    team = await stack.team()
    pid = await project_at(stack, team, "planning")
    agent = await browserless(team["agent"])
    r = await agent.submit(f"/projects/{pid}", f"/projects/{pid}/actions/plan", {
        "goals": "签约", "responsibilities": "王芳", "milestones.0.name": "带看", "milestones.0.due_date": soon(5),
        "milestones.1.name": "签约", "milestones.1.due_date": "明天"})
    assert r.status_code == 422
    assert 'data-field="milestones.1.due_date">' in r.text
    assert 'data-field="milestones.0.due_date">' not in r.text
    assert (await call(stack, "GET", f"/v1/projects/{pid}", team["agent"]))["stage"] == "planning"
