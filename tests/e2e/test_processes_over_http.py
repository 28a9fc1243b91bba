"""Issue 15 over HTTP: every shipped process template through the real app, worker, record
activity, Temporal dev server and PostgreSQL, with every kind of action, the inbox, the
history and the records; a new template version leaves a running instance on its own."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from store import process_templates
from tests.e2e.test_rejections_over_http import assert_error
from tests.process_files import process_files, upload
from workflows import search_attributes as sa

__all__ = ["process_files"]
pytestmark = pytest.mark.usefixtures("process_files")  # attachment fields take uploaded files


async def call(stack, path: str, who, body: dict | None = None, status: int = 200, key: str | None = None):  # type: ignore[no-untyped-def]
    headers = {**who.headers, **({"Idempotency-Key": key} if key else {})}
    r = await (stack.http.post(path, json=body, headers=headers) if body is not None
               else stack.http.get(path, headers=headers))  # fmt: skip
    assert r.status_code == status, r.text
    return r.json()


async def start(stack, who, template: str, form: dict, status: int = 201) -> dict:  # type: ignore[no-untyped-def]
    return await call(stack, "/v1/processes", who, {"template": template, "form": form}, status)  # type: ignore[no-any-return]


async def act(stack, pid: str, who, action: str, status: int = 200, key: str | None = None, **body):  # type: ignore[no-untyped-def]
    return await call(stack, f"/v1/processes/{pid}/actions", who, {"action": action, **body}, status, key)


async def items(stack, who, pid: str) -> list[dict]:  # type: ignore[no-untyped-def]
    r = await stack.http.get("/v1/tasks", headers=who.headers)
    assert r.status_code == 200, r.text
    return [i for i in r.json()["items"] if i.get("process_id") == pid]


async def kinds(stack, pid: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = await stack.pool.fetch("SELECT kind FROM process_events WHERE process_id = $1 ORDER BY seq", pid)
    return [r["kind"] for r in rows]


def uid() -> str:
    return uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
async def shipped(stack):  # type: ignore[no-untyped-def]
    return {key: version for key, version, _ in await process_templates.load_dir(stack.pool)}


async def test_templates_upload_as_versions_with_errors_that_point_at_the_node(stack, shipped):
    team = await stack.team()
    assert set(shipped) == {"attendance-policy", "attendance-monthly", "absence-handling", "expense", "contract",
                            "commission", "audit-rectification"}  # fmt: skip
    listed = await call(stack, "/v1/process-templates", team["agent"])
    assert {t["key"]: t["name"] for t in listed["items"]}["absence-handling"] == "缺勤人员处理"
    body = {"key": f"leave-{uid()}", "name": "请假", "nodes": [{"type": "approval", "approvers": [{"role": "hr"}]}]}
    r = await stack.http.post("/v1/process-templates", json=body, headers=team["operations"].headers)
    assert_error(r, 422, "invalid")
    assert 'nodes[0].approvers: unknown role "hr"' in r.json()["error"]["message"]
    body["nodes"][0]["approvers"] = [{"level": 1}]
    assert_error(await stack.http.post("/v1/process-templates", json=body, headers=team["dept_head"].headers), 403)
    assert await call(stack, "/v1/process-templates", team["operations"], body, 201) == \
        {"key": body["key"], "version": 1, "created": True}  # fmt: skip
    assert (await call(stack, "/v1/process-templates", team["operations"], body, 200))["created"] is False
    body["name"] = "请假申请"
    assert (await call(stack, "/v1/process-templates", team["operations"], body, 201))["version"] == 2
    assert [v["version"] for v in await call(stack, f"/v1/process-templates/{body['key']}", team["agent"])] == [1, 2]
    assert_error(await stack.http.get("/v1/process-templates", headers=team["customer"].headers), 403)


async def test_expense_through_add_signer_return_and_the_executive(stack, shipped):
    team = await stack.team()
    agent, head, boss = team["agent"], team["dept_head"], await stack.person("executive")
    finance = await stack.person("dept_head", "财务部")
    helper = await stack.person("agent", agent.department)
    form = {"amount": "80000", "category": "差旅", "purpose": "年会", "receipts": [await upload(stack, agent)]}
    started = await start(stack, agent, "expense", form)
    pid = started["id"]
    assert started["status"] == "running" and started["version"] == shipped["expense"]
    assert [(p["role"], p["department"]) for p in started["pending"]] == [("dept_head", agent.department)]
    [item] = await items(stack, head, pid)
    assert item["kind"] == "process" and item["description"].startswith("费用报销")
    await act(stack, pid, agent, "urge", comment="急")
    await act(stack, pid, agent, "approve", 403)  # wrong person
    await act(stack, pid, head, "complete", 409)  # wrong node: an approval
    await act(stack, pid, head, "reject", 422)  # no reason
    await act(stack, pid, head, "add_signer", 422, to_user="nobody-at-all")
    await act(stack, pid, head, "add_signer", to_user=helper.name, position="before")
    assert await items(stack, head, pid) == [] and len(await items(stack, helper, pid)) == 1
    await act(stack, pid, helper, "approve", comment="已核")
    await act(stack, pid, head, "approve", key="k-head")
    again = await stack.http.post(f"/v1/processes/{pid}/actions", json={"action": "approve"},
                                  headers={**head.headers, "Idempotency-Key": "k-head"})  # fmt: skip
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    view = await act(stack, pid, finance, "return", comment="请补充说明")
    assert view["node_id"] == "head" and len(await items(stack, head, pid)) == 1
    await act(stack, pid, head, "approve")
    await act(stack, pid, finance, "comment", comment="票据齐全")
    view = await act(stack, pid, finance, "approve")
    assert view["node_id"] == "executive"
    view = await act(stack, pid, boss, "approve")
    assert view["status"] == "completed" and view["pending"] == []
    assert [h["kind"] for h in view["history"]] == await kinds(stack, pid)
    assert {"signer_added", "returned", "urged", "commented", "condition_evaluated", "process_ended"} <= \
        set(await kinds(stack, pid))  # fmt: skip
    row = await stack.pool.fetchrow("SELECT status, template_version, ended_at FROM processes WHERE id = $1", pid)
    assert row["status"] == "completed" and row["ended_at"] is not None
    assert await stack.pool.fetchval("SELECT count(*) FROM process_inbox WHERE process_id = $1", pid) == 0
    notes = await stack.pool.fetch("SELECT key, to_user_id, department FROM outbox WHERE starts_with(id, $1)",
                                   f"process:{pid}:")  # fmt: skip
    assert {"process.assigned.approval", "process.urged", "process.completed"} <= {n["key"] for n in notes}
    desc = await stack.client.get_workflow_handle(f"process-{pid}").describe()
    assert desc.typed_search_attributes.get(sa.KIND) == "process"
    assert desc.typed_search_attributes.get(sa.STAGE) == "expense:completed"
    mine = await call(stack, "/v1/processes?mine=true&template=expense", agent)
    assert pid in [p["id"] for p in mine["items"]]
    figures = await call(stack, "/v1/process-figures?template=expense", team["operations"])
    [f] = figures["items"]
    assert f["by_status"]["completed"] >= 1 and {n["node"] for n in f["nodes"]} >= {"head", "finance", "executive"}
    metrics = await stack.http.get("/metrics", headers=team["operations"].headers)
    assert 'jindu_process_instances{status="completed",template="expense"}' in metrics.text


async def test_contract_transfer_and_reject_and_commission_withdraw(stack, shipped):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    legal, legal2 = await stack.person("dept_head", "法务部"), await stack.person("agent", "法务部")
    form = {"counterparty": "甲公司", "value": "20000", "contract": await upload(stack, agent, "c.pdf")}
    pid = (await start(stack, agent, "contract", form))["id"]
    await act(stack, pid, head, "approve")
    await act(stack, pid, legal, "transfer", to_user=legal2.name, comment="请你审")
    await act(stack, pid, legal, "approve", 403)
    view = await act(stack, pid, legal2, "reject", comment="条款不清")
    assert view["status"] == "rejected" and view["history"][-2]["comment"] == "条款不清"
    await act(stack, pid, legal2, "approve", 409)  # the process has ended

    pid = (await start(stack, agent, "commission", {"deal": "P-1", "deal_value": "1000000", "commission": "20000",
                                                    "split": "王 60%，李 40%"}))["id"]  # fmt: skip
    await act(stack, pid, head, "withdraw", 403)
    assert (await act(stack, pid, agent, "withdraw", comment="金额有误"))["status"] == "withdrawn"
    await act(stack, pid, agent, "withdraw", 409)
    await start(stack, team["customer"], "commission", {}, 403)
    await start(stack, agent, "commission", {"deal": "P-1"}, 422)


async def test_audit_finding_is_rectified_by_its_owner_and_verified_by_the_auditor(stack, shipped):
    team = await stack.team()
    owner = team["agent"]
    await start(stack, owner, "audit-rectification", {"finding": "x", "owner": owner.name}, 403)  # auditors only
    form = {"finding": "合同未归档", "owner": owner.name}
    pid = (await start(stack, team["auditor"], "audit-rectification", form))["id"]
    [item] = await items(stack, owner, pid)
    await act(stack, pid, owner, "complete", 422, fields={})
    await act(stack, pid, owner, "complete", fields={"measures": "已补归档", "proof": [await upload(stack, owner)]})
    other_auditor = await stack.person("auditor")
    assert len(await items(stack, other_auditor, pid)) == 1
    assert (await act(stack, pid, other_auditor, "approve"))["status"] == "completed"
    row = await stack.pool.fetchrow("SELECT data FROM process_events WHERE process_id = $1 AND kind = 'task_done'", pid)
    data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
    assert data["fields"]["measures"] == "已补归档"


async def test_the_three_hr_processes_of_004(stack, shipped):
    team = await stack.team()
    hr = await stack.person("agent", "行政人事部")
    boss = team["executive"]
    pid = (await start(stack, hr, "attendance-policy", {"title": "员工考勤管理制度"}))["id"]
    await act(stack, pid, hr, "complete", fields={"policy": [await upload(stack, hr, "制度.pdf")]})
    await act(stack, pid, boss, "approve")
    view = await act(stack, pid, hr, "complete", fields={"notice": "下月起执行"})
    assert view["status"] == "completed" and "cc_sent" in await kinds(stack, pid)

    agent, head = team["agent"], team["dept_head"]
    pid = (await start(stack, agent, "attendance-monthly", {"month": "2026-11"}))["id"]
    await act(stack, pid, head, "complete", fields={"records": [await upload(stack, head)]})
    await act(stack, pid, hr, "complete", fields={"statistics": [await upload(stack, hr)]})
    assert (await act(stack, pid, hr, "complete", fields={"absent": "张三"}))["status"] == "completed"

    pid = (await start(stack, hr, "absence-handling", {"absentee": "张三", "dates": "11-02",
                                                         "dept_head_name": head.name}))["id"]  # fmt: skip
    await act(stack, pid, hr, "complete", fields={"papers": "不齐备"})
    await act(stack, pid, hr, "complete", fields={"sanction": "扣发工资", "proposal": "扣发当日工资"})
    await act(stack, pid, boss, "approve")
    await act(stack, pid, head, "complete", fields={"applied": "已执行"})
    view = await act(stack, pid, hr, "complete", fields={"archive_no": "KQ-1"})
    assert view["status"] == "completed"
    assert [h["data"].get("node") for h in view["history"] if h["kind"] == "node_entered"] == \
        ["check", "propose", "leader", "apply", "archive"]  # fmt: skip


async def test_a_new_version_leaves_a_running_instance_on_its_own(stack, shipped):
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    finance = await stack.person("dept_head", "财务部")
    pid = (await start(stack, agent, "commission", {"deal": "P-2", "deal_value": "10", "commission": "1",
                                                    "split": "王 100%"}))["id"]  # fmt: skip
    body = json.loads((process_templates.SHIPPED / "commission.json").read_text("utf-8"))
    changed = copy.deepcopy(body)
    changed["nodes"].insert(0, {"id": "ops", "type": "approval", "approvers": [{"role": "operations"}]})
    new = await call(stack, "/v1/process-templates", team["operations"], changed, 201)
    assert new["version"] == shipped["commission"] + 1
    await act(stack, pid, head, "approve")  # the running instance still starts at the dept head
    view = await act(stack, pid, finance, "approve")
    assert view["status"] == "completed" and view["version"] == shipped["commission"]
    later = await start(stack, agent, "commission", {"deal": "P-3", "deal_value": "10", "commission": "1",
                                                     "split": "王 100%"})  # fmt: skip
    assert later["version"] == new["version"] and later["pending"][0]["role"] == "operations"
    await call(stack, "/v1/process-templates", team["operations"], body, 201)  # back to the shipped flow


async def test_an_instance_terminated_in_temporal_leaves_every_inbox(stack, shipped):
    import asyncio
    from datetime import UTC, datetime, timedelta

    from jindu.process_sweep import ProcessSweep
    from tests.fixtures_stack import STACK_TASK_QUEUE

    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    since = datetime.now(UTC) - timedelta(minutes=1)
    pid = (await start(stack, agent, "commission", {"deal": "P-9", "deal_value": "10", "commission": "1",
                                                    "split": "王 100%"}))["id"]  # fmt: skip
    assert len(await items(stack, head, pid)) == 1
    await stack.client.get_workflow_handle(f"process-{pid}").terminate("operator test")
    sweep = ProcessSweep(stack.client, stack.pool, STACK_TASK_QUEUE)
    for _ in range(50):  # visibility lags a little
        if pid in await sweep.sweep(since):
            break
        await asyncio.sleep(0.2)
    view = await call(stack, f"/v1/processes/{pid}", agent)
    assert view["status"] == "terminated" and view["history"][-1]["kind"] == "process_ended"
    assert await items(stack, head, pid) == []
    assert await sweep.sweep(since) == []  # once
