"""The process pages without a browser (issue 15): 发起审批 lists what one may start, the form
rendered from the template starts an instance, the instance page shows the flow and takes
actions, a refusal renders on the page, and operations validate a template file."""

from __future__ import annotations

import json
import re

import pytest

from store import process_templates
from tests.process_files import a_pdf, process_files
from tests.web.conftest import csrf_of

__all__ = ["process_files"]


@pytest.mark.usefixtures("process_files")
async def test_start_act_and_validate_in_the_workspace(stack, browserless):
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    finance = await stack.person("dept_head", "财务部")
    me = await browserless(agent)
    start = await me.http.get("/processes")
    assert start.status_code == 200 and "发起审批" in start.text and 'data-template="expense"' in start.text
    assert 'data-template="audit-rectification"' not in start.text  # auditors only
    form = await me.http.get("/processes/new/expense")
    assert 'name="amount"' in form.text and 'type="number"' in form.text and "<select" in form.text
    assert 'enctype="multipart/form-data"' in form.text and 'name="receipts" type="file" multiple accept="image/*' \
        in form.text and 'capture="environment"' in form.text  # fmt: skip
    assert '<label class="field camera" for="c-receipts">票据：用手机拍照上传<input id="c-receipts"' in form.text
    photo = [("receipts", ("a.pdf", a_pdf(), "application/pdf"))]
    r = await me.http.post("/processes/new/expense", data={"csrf": csrf_of(form.text), "amount": "-5",
                                                           "category": "差旅", "purpose": "x"}, files=photo)
    assert r.status_code == 422 and "报销金额（元）：应为金额（元），最多两位小数，不能为负" in r.text  # in Chinese
    assert 'aria-invalid="true" aria-describedby="e-amount"' in r.text and "form.amount" not in r.text
    sent = {"csrf": csrf_of(form.text), "amount": "300", "category": "差旅", "purpose": "出差"}
    r = await me.http.post("/processes/new/expense", data=sent, files=[("receipts", ("车票.pdf", a_pdf(), "x")),
                                                                       ("receipts", ("住宿.pdf", a_pdf(), "x"))])
    assert r.status_code == 303
    path = r.headers["location"]
    pid = path.rsplit("/", 1)[1]
    view = await me.http.get(path)
    assert "审批中" in view.text and 'data-flow="' in view.text and "/static/echarts.min.js" in view.text
    assert re.search(r'class="flow-node state-current" data-node="head"', view.text)
    assert "<script>" not in view.text  # no inline script (CSP script-src 'self')
    files = re.findall(r'<a href="(/files/att-[0-9a-f]{16})" data-file="[^"]+">车票.pdf</a>', view.text)
    assert len(files) == 1 and "住宿.pdf" in view.text

    boss = await browserless(head)
    inbox = await boss.http.get("/")
    assert f'href="/processes/{pid}"' in inbox.text
    page = await boss.http.get(path)
    assert (await boss.http.get(files[0])).status_code == 200  # who may see the instance reads its files
    stranger = await browserless(await stack.person("agent", "别的部门"))
    assert (await stranger.http.get(files[0])).status_code == 403
    r = await boss.http.post(f"{path}/act", data={"csrf": csrf_of(page.text), "action": "reject", "comment": ""})
    assert r.status_code == 422 and "reason" in r.text
    r = await boss.http.post(f"{path}/act", data={"csrf": csrf_of(page.text), "action": "approve", "comment": "同意"})
    assert r.status_code == 303
    view = await boss.http.get(path)
    assert re.search(r'class="flow-node state-current" data-node="finance"', view.text) and "同意" in view.text
    fin = await browserless(finance)
    page = await fin.http.get(path)
    r = await fin.http.post(f"{path}/act", data={"csrf": csrf_of(page.text), "action": "approve"})
    assert r.status_code == 303 and "已通过" in (await fin.http.get(path)).text

    ops = await browserless(team["operations"])
    tpl = await ops.http.get("/process-templates/expense")
    assert tpl.status_code == 200 and "data-version" in tpl.text
    bad = {"key": "x1", "name": "X", "nodes": [{"type": "approval", "approvers": [{"role": "hr"}]}]}
    r = await ops.http.post("/process-templates/expense/validate", data={"csrf": csrf_of(tpl.text)},
                            files={"file": ("t.json", json.dumps(bad).encode(), "application/json")})
    assert r.status_code == 200 and "第 1 个节点的审批人：不是已知的角色" in r.text and "unknown role" not in r.text
    r = await ops.http.post("/process-templates/expense/validate?lang=en", data={"csrf": csrf_of(tpl.text)},
                            files={"file": ("t.json", json.dumps(bad).encode(), "application/json")})
    assert 'nodes[0].approvers: unknown role &#34;hr&#34;' in r.text  # the parser's own words, in English only


@pytest.mark.usefixtures("process_files")
async def test_a_task_sends_its_file_from_the_instance_page(stack, browserless):
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    owner, auditor = team["agent"], team["auditor"]
    r = await stack.http.post("/v1/processes", headers=auditor.headers, json={
        "template": "audit-rectification", "form": {"finding": "合同未归档", "owner": owner.name}})  # fmt: skip
    path = f"/processes/{r.json()['id']}"
    me = await browserless(owner)
    page = await me.http.get(path)
    assert 'enctype="multipart/form-data"' in page.text and 'name="proof" type="file"' in page.text
    sent = {"csrf": csrf_of(page.text), "action": "complete", "measures": "已补归档"}
    r = await me.http.post(f"{path}/act", data=sent, files=[("proof", ("归档清单.pdf", a_pdf(), "x"))])
    assert r.status_code == 303, r.text
    view = await (await browserless(auditor)).http.get(path)
    [link] = re.findall(r'<a href="(/files/att-[0-9a-f]{16})" data-file="[^"]+">归档清单.pdf</a>', view.text)
    assert (await (await browserless(auditor)).http.get(link)).content.startswith(b"%PDF")
