"""Each role sees what it should (domain/visibility.py), over the API and in the workspace:
a project with a budget, a risk, a review sent back with a comment and a warning-free
second submission put to the customer. Real API, worker, PostgreSQL, Temporal dev server."""

from __future__ import annotations

from tests.web.helpers import call, project_at, soon

RISK = {"category": "credit", "description": "银行可能拒贷-内部", "likelihood": "high", "impact": "medium",
        "probability": "0.3", "loss_amount": "50000", "response": "reduce", "measures": "先做预审-内部"}
INTERNAL = ("120000", "缺少按揭条款", "银行可能拒贷-内部", "先做预审-内部", "第一稿-退回")


async def at_acceptance(stack, team) -> str:
    """Budget 120000, a risk, results rejected with a comment, resubmitted, approved."""
    agent, head = team["agent"], team["dept_head"]
    pid = await project_at(stack, team, "execution", budget="120000")
    p = f"/v1/projects/{pid}"
    await call(stack, "POST", f"{p}/risks", agent, RISK | {"owner": agent.name, "review_on": soon(5)}, 201)
    await call(stack, "POST", f"{p}/results", agent, {"summary": "第一稿-退回"})
    view = await call(stack, "POST", f"{p}/decisions", head, {"gate": "result_review", "decision": "reject",
                                                              "comment": "缺少按揭条款"})  # fmt: skip
    for task in view["tasks"]:
        await call(stack, "POST", f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "补上了"})
    await call(stack, "POST", f"{p}/results", agent, {"summary": "第二稿：合同与按揭条款",
                                                      "attachments": ["合同.pdf"], "completed_milestones": ["带看"]})
    await call(stack, "POST", f"{p}/decisions", head, {"gate": "result_review", "decision": "approve"})
    return pid


async def test_each_role_sees_what_it_should(stack, browserless):
    team = await stack.team()
    pid = await at_acceptance(stack, team)
    p = f"/v1/projects/{pid}"

    agent = await call(stack, "GET", p, team["agent"])
    assert agent["budget"] == "120000" and agent["risk_level"] == "medium" and agent["withheld"] == []
    assert any(a["comment"] == "缺少按揭条款" for a in agent["approvals"])
    assert {"risk_added", "decision", "kpis_updated"} <= {e["kind"] for e in agent["history"]}
    assert agent["kpis"] is not None and agent["warning"] is not None

    auditor = await call(stack, "GET", p, team["auditor"])
    assert auditor["budget"] == "120000" and auditor["withheld"] == [] and auditor["customer"]["masked"]
    assert [e["kind"] for e in auditor["history"]] == [e["kind"] for e in agent["history"]]

    customer = await call(stack, "GET", p, team["customer"])
    assert customer["stage"] == "customer_acceptance" and customer["pending"]["kind"] == "acceptance"
    assert customer["allowed_actions"] == ["acceptance"]
    assert [m["name"] for m in customer["milestones"]] == ["带看", "签约"]
    assert customer["customer"]["name"] == "陈杰" and not customer["customer"]["masked"]
    for field in ("budget", "risk_level", "difficulty", "expected_cycle_days", "kpis", "warning", "reports",
                  "overdue", "plan", "cancel_reason"):
        assert customer[field] is None, field
    assert customer["approvals"] == [] and customer["tasks"] == [] and customer["initiation_levels"] == []
    assert {"assessment", "approvals", "kpis", "warning", "risks", "tasks"} <= set(customer["withheld"])
    kinds = {e["kind"] for e in customer["history"]}
    assert not kinds & {"risk_added", "decision", "assessment", "kpis_updated", "task_created", "warning_raised",
                        "reminder", "escalation", "weekly_report"}, kinds
    [results] = [e for e in customer["history"] if e["kind"] == "results_submitted"]
    assert results["data"] == {"summary": "第二稿：合同与按揭条款", "attachments": ["合同.pdf"],
                               "completed_milestones": ["带看"], "milestones_done": results["data"]["milestones_done"]}
    text = str(customer)
    for internal in INTERNAL:
        assert internal not in text, internal

    # The customer's inbox carries the acceptance without the assessment or the approvals.
    inbox = await call(stack, "GET", "/v1/tasks/context", team["customer"])
    context = inbox["projects"][pid]
    assert context["budget"] is None and context["risk_level"] is None and context["approvals"] == []

    # The workspace renders the API's view: the customer's page holds none of it either.
    visitor = await browserless(team["customer"])
    for path in (f"/projects/{pid}", "/"):
        page = await visitor.http.get(path)
        assert page.status_code == 200, page.text
        for internal in INTERNAL + ("¥12万", "risk_added", "审批记录", "进度指标"):
            assert internal not in page.text, (path, internal)
    page = (await visitor.http.get(f"/projects/{pid}")).text
    assert "第二稿：合同与按揭条款" in page and "合同.pdf" in page and 'action="/projects/' in page

    staff = await browserless(team["dept_head"])
    page = (await staff.http.get(f"/projects/{pid}")).text
    assert "¥12万" in page and "缺少按揭条款" in page and "进度指标" in page
