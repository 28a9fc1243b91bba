"""How many statements the `record` local activity sends per batch (issue 16: the recording
transaction is on every decision's path, one round trip per statement). A project is driven
through the benchmark's actions (bench/bench_http.py: intake, assessment, initiation decision,
plan, plan decision); each batch's statements inside its transaction are counted (BEGIN and
COMMIT come on top; so do asyncpg's look-ups of a type the first time a connection meets it,
not counted). Printed with `pytest -s`. Before the batch's write became one statement
(2026-12-05) the four actions cost 6, 7, 9 and 7 statements; now 2, 3, 4 and 3."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from store import records
from tests.perf.counting import StatementCounter

INTROSPECTION = ("typeinfo_tree", "set_config('jit'", "current_setting('jit')")
BOUNDS = [2, 3, 4, 3]  # assessment, initiation decision, plan, plan decision
INTAKE = {"customer": {"name": "陈杰"}, "channel": "phone", "requirement": "Rent a flat",
          "business_type": "property_sale"}  # fmt: skip


async def test_a_decision_is_recorded_in_few_statements(stack, monkeypatch):
    team = await stack.team()
    agent, head = team["agent"].headers, team["dept_head"].headers
    seen: list[tuple[list[str], list[str]]] = []
    write = records.write_batch

    async def counted(conn: Any, batch: Any) -> list[str]:
        counter = StatementCounter()
        counter.keep = True
        conn.add_query_logger(counter)
        try:
            return await write(conn, batch)
        finally:
            conn.remove_query_logger(counter)
            seen.append(([s.kind for s in batch.steps], counter.statements))  # asyncpg logs them soon after

    monkeypatch.setattr(records, "write_batch", counted)
    r = await stack.http.post("/v1/projects", json=INTAKE, headers=agent)
    assert r.status_code == 201, r.text
    base = f"/v1/projects/{r.json()['id']}"
    due = (date.today() + timedelta(days=30)).isoformat()
    actions = [
        ("assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 30,
                               "budget": "5000"}),
        ("decisions", head, {"gate": "initiation", "decision": "approve"}),
        ("plan", agent, {"goals": "Sign", "responsibilities": "agent", "milestones": [{"name": "lease",
                                                                                        "due_date": due}]}),
        ("decisions", head, {"gate": "plan", "decision": "approve"}),
    ]  # fmt: skip
    per_action: list[int] = []
    for path, who, body in actions:
        before = len(seen)
        r = await stack.http.post(f"{base}/{path}", json=body, headers=who)
        assert r.status_code == 200, r.text
        per_action.append(before)
    await asyncio.sleep(0.1)
    seen = [(kinds, [q for q in statements if not any(x in q for x in INTROSPECTION)]) for kinds, statements in seen]
    ends = [*per_action[1:], len(seen)]
    per_action = [sum(len(s) for _, s in seen[a:b]) for a, b in zip(per_action, ends, strict=True)]
    for kinds, statements in seen:
        print(f"\n{len(statements)} statements for {kinds}:", *(" ".join(s.split())[:110] for s in statements),
              sep="\n  ")  # fmt: skip
    print("\nper action:", per_action)
    assert len(seen) == 5 and seen[0][0] == ["intake"] and len(seen[0][1]) <= 2, seen[0]
    assert all(0 < n <= bound for n, bound in zip(per_action, BOUNDS, strict=True)), per_action
