"""Record replay histories of the shipped ProcessWorkflow (run by hand, commit the output):

    .venv/bin/python -m tests.workflows.make_process_histories

A sibling of make_histories.py (projects, complaints, revisits). Files go to
`histories/process/v<N>_<scenario>.json` with the step kinds they recorded, never overwritten
once shipped: bump PROCESS_VERSION when ProcessWorkflow changes. test_process_replay.py
replays them. The scenarios: 费用报销 through add-signer, return, a late executive node
(timer, timeout action) and completion; 缺勤人员处理 on the incomplete-papers branch with
transfer, urge and comment; 合同审批 rejected; 佣金分配 withdrawn.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.models import Role
from jindu.temporal import data_converter as pydantic_data_converter
from jindu.temporal import test_server_path
from tests.fixtures_temporal import _add_request
from tests.workflows.process_harness import ProcessHarness, person, process_harness, shipped
from workflows import search_attributes

HERE = Path(__file__).parent / "histories" / "process"
PROCESS_VERSION = 1
AGENT = person("Wang Fang", Role.agent, "sales")
HEAD = person("Li Qiang", Role.dept_head, "sales")
FINANCE = person("Qian Yu", Role.dept_head, "财务部")
LEGAL = person("He Ping", Role.dept_head, "法务部")
LEGAL2 = person("Xu Jing", Role.agent, "法务部")
BOSS = person("Zhao Min", Role.executive)
HR = person("Sun Li", Role.agent, "行政人事部")
HR2 = person("Zhou Yan", Role.agent, "行政人事部")
PEOPLE = {p.name: p for p in (AGENT, HEAD, FINANCE, LEGAL, LEGAL2, BOSS, HR, HR2) if p.name}


async def save(name: str, h: ProcessHarness, handle: WorkflowHandle[Any, Any]) -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    path = HERE / f"v{PROCESS_VERSION}_{name}.json"
    if path.exists():  # a shipped version's history is never overwritten: bump PROCESS_VERSION
        print(f"kept {path}")
        return
    history = await handle.fetch_history()
    path.write_text(history.to_json())
    kinds = sorted(set(h.rec.kinds(handle.id.removeprefix("process-"))))
    (HERE / f"v{PROCESS_VERSION}_{name}.steps.json").write_text(json.dumps(kinds) + "\n")
    print(f"wrote {name} ({len(history.events)} events)")


async def expense(env: WorkflowEnvironment, h: ProcessHarness) -> None:
    form = {"amount": "80000", "category": "差旅", "purpose": "年会", "receipts": ["发票.pdf"]}
    handle = await h.start(shipped("expense"), form, AGENT, PEOPLE, process_id="pr-expense-v1")
    await h.act(handle, HEAD, "add_signer", AGENT, to_user=AGENT.name, position="before")
    await h.act(handle, AGENT, "approve")
    await h.act(handle, HEAD, "approve", comment="同意")
    await h.act(handle, FINANCE, "return", comment="请补充说明")
    await h.act(handle, HEAD, "approve")
    state = await h.act(handle, FINANCE, "approve")
    assert state.current is not None and state.current.due_at is not None
    await env.sleep(state.current.due_at - await env.get_current_time() + timedelta(hours=1))
    await h.act(handle, BOSS, "approve")
    await handle.result()
    await save("expense_full", h, handle)


async def absence(h: ProcessHarness) -> None:
    form = {"absentee": "张三", "dates": "11-02", "dept_head_name": HEAD.name}
    handle = await h.start(shipped("absence-handling"), form, HR, PEOPLE, process_id="pr-absence-v1")
    await h.act(handle, HR, "transfer", HR2, to_user=HR2.name)
    await h.act(handle, HR2, "complete", fields={"papers": "不齐备"})
    await h.act(handle, HR2, "complete", fields={"sanction": "口头批评教育", "proposal": "批评教育"})
    await h.act(handle, HR, "urge", comment="请尽快")
    await h.act(handle, BOSS, "comment", comment="看过")
    await h.act(handle, BOSS, "approve")
    await h.act(handle, HEAD, "complete", fields={"applied": "已谈话"})
    await h.act(handle, HR, "complete", fields={"archive_no": "KQ-1"})
    await handle.result()
    await save("absence_incomplete", h, handle)


async def rejected_and_withdrawn(h: ProcessHarness) -> None:
    form = {"counterparty": "甲公司", "value": "2000000", "contract": "c.pdf"}
    handle = await h.start(shipped("contract"), form, AGENT, PEOPLE, process_id="pr-contract-v1")
    await h.act(handle, HEAD, "approve")
    await h.act(handle, LEGAL, "reject", comment="条款不清")
    await handle.result()
    await save("contract_rejected", h, handle)
    form = {"deal": "P-1", "deal_value": "100", "commission": "10", "split": "王 100%"}
    handle = await h.start(shipped("commission"), form, AGENT, PEOPLE, process_id="pr-commission-v1")
    await h.act(handle, AGENT, "withdraw", comment="填错了")
    await handle.result()
    await save("commission_withdrawn", h, handle)


async def main() -> None:
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server_path()), data_converter=pydantic_data_converter
    ) as env:
        await env.client.operator_service.add_search_attributes(_add_request(env.client, search_attributes.ALL))
        async with process_harness(env) as h:
            await expense(env, h)
            await absence(h)
            await rejected_and_withdrawn(h)


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    os._exit(0)
