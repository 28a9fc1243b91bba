"""Handed-over approvals act from their message too (issue 15): a step transferred (转交) or a
signer added before oneself (加签) tells the new addressee with the same approve / reject
buttons as a fresh approval, and the old addressee's link no longer works (410, nothing
decided); the adder, reopened after the signer, gets fresh buttons of their own."""

from __future__ import annotations

import pytest

from store import process_templates
from store.contacts import set_contact
from tests.process_files import process_files, upload
from tests.web.conftest import csrf_of
from tests.web.test_process_act import cards, node_of

__all__ = ["process_files"]


async def reachable(stack, cipher, *people) -> None:  # type: ignore[no-untyped-def]
    for i, person in enumerate(people):
        await set_contact(stack.pool, person.id, cipher, mobile=f"1390000{i:04d}", email=None, channels=["dingtalk"],
                          lang="zh")  # fmt: skip


async def buttons(stack, cipher, pid: str, words: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    [card] = [c for c in await cards(stack, cipher, pid) if words in c["_text"] and "批准" in c]
    return card


async def approve_by_link(visitor, link: str, status: int = 200):  # type: ignore[no-untyped-def]
    page = await visitor.http.get(link)
    if page.status_code != 200:
        return page
    return await visitor.http.post(link, data={"csrf": csrf_of(page.text)})


@pytest.mark.usefixtures("process_files")
async def test_a_transferred_approval_is_decided_from_the_new_addressees_message(stack, cipher, browserless):
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    legal, colleague = await stack.person("dept_head", "法务部"), await stack.person("agent", "法务部")
    await reachable(stack, cipher, head, legal, colleague)
    r = await stack.http.post("/v1/processes", headers=agent.headers, json={"template": "contract", "form": {
        "counterparty": "甲公司", "value": "20000", "contract": [await upload(stack, agent, "合同.pdf")]}})  # fmt: skip
    pid = r.json()["id"]
    await stack.http.post(f"/v1/processes/{pid}/actions", headers=head.headers, json={"action": "approve"})
    old = await buttons(stack, cipher, pid, "法务审核")
    r = await stack.http.post(f"/v1/processes/{pid}/actions", headers=legal.headers,
                              json={"action": "transfer", "to_user": colleague.name, "comment": "请你审"})  # fmt: skip
    assert r.status_code == 200, r.text
    new = await buttons(stack, cipher, pid, "转交给您")
    assert new["批准"].startswith("/act/") and new["驳回"] != new["批准"]
    assert new["在工作台中打开"] == f"/processes/{pid}"

    was = await browserless(legal)
    assert (await was.http.get(old["批准"])).status_code == 410
    refused = await approve_by_link(was, old["批准"])
    assert refused.status_code == 410 and await node_of(stack, pid) == "legal"
    assert await stack.pool.fetchval("SELECT count(*) FROM process_events WHERE process_id = $1 AND "
                                     "kind = 'node_decided' AND data->>'node' = 'legal'", pid) == 0  # fmt: skip
    now = await browserless(colleague)
    done = await approve_by_link(now, new["批准"])
    assert done.status_code == 200 and "已同意" in done.text
    assert await stack.pool.fetchval("SELECT status FROM processes WHERE id = $1", pid) == "completed"


@pytest.mark.usefixtures("process_files")
async def test_a_signer_added_before_oneself_decides_from_their_message_then_the_adder(stack, cipher, browserless):
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    agent, head = team["agent"], team["dept_head"]
    helper = await stack.person("agent", agent.department)
    await reachable(stack, cipher, head, helper)
    r = await stack.http.post("/v1/processes", headers=agent.headers, json={"template": "expense", "form": {
        "amount": "300", "category": "差旅", "purpose": "出差", "receipts": [await upload(stack, agent)]}})  # fmt: skip
    pid = r.json()["id"]
    first = await buttons(stack, cipher, pid, "部门负责人审批")
    r = await stack.http.post(f"/v1/processes/{pid}/actions", headers=head.headers,
                              json={"action": "add_signer", "to_user": helper.name, "position": "before"})  # fmt: skip
    assert r.status_code == 200, r.text
    signer = await buttons(stack, cipher, pid, "部门负责人审批")
    assert signer["批准"] != first["批准"]
    adder = await browserless(head)
    assert (await approve_by_link(adder, first["批准"])).status_code == 410  # waits on the signer first
    done = await approve_by_link(await browserless(helper), signer["批准"])
    assert done.status_code == 200 and await node_of(stack, pid) == "head"
    again = await buttons(stack, cipher, pid, "部门负责人审批")  # the adder's turn: fresh buttons
    done = await approve_by_link(adder, again["批准"])
    assert done.status_code == 200 and await node_of(stack, pid) == "finance"
