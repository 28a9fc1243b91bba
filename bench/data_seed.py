"""The data-scale benchmark's dataset (bench/bench_data.py, tests/perf): a seed of projects
driven through the real write path — the public HTTP API, the real ProjectWorkflow and its
`record` activity writing PostgreSQL — then copied, set-based, to any number of projects.

A copy is every row the write path left for one seed project (project, customer, events,
approvals, milestones, weekly reports, results, rectification tasks, warnings, ratings,
archive bundle, outbox and deliveries, revisit, deal with its parts and steps, costs) and
one of the seed's leads (a customer of the master with its follow-ups and changes; the
copy has no phone or e-mail index, which must stay unique), with the project id replaced, the agent
and department replaced by one of the company's, and every time moved back by the copy's
age (open projects by at most a month, finished ones by up to `span_days`). So the copies
are consistent with one another the way the write path makes them.
"""

from __future__ import annotations

import random
import uuid
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

# Tables copied, parents first; each has a project_id, except deliveries (by its outbox row).
TABLES = ("projects", "customers", "events", "approvals", "milestones", "weekly_reports", "result_submissions",
          "rectification_tasks", "warnings", "ratings", "archive_bundles", "notifications", "outbox",
          "revisits", "revisit_events", "risks", "risk_events", "deals", "deal_parts", "deal_events",
          "project_costs")  # fmt: skip
# A lead's tables, copied by customer: the master row first.
LEAD_TABLES = ("customer_master", "customer_follow_ups", "customer_changes")
# Columns a copy leaves to their defaults (a serial) or empty (unique blind indexes).
NOT_COPIED = {("customer_changes", "id"), ("customer_master", "phone_index"), ("customer_master", "email_index")}
# Key columns whose value may not contain the project id: made unique per copy.
KEYS = frozenset({"id", "step_key", "outbox_id", "risk_id"})

Post = Callable[[str, str, dict[str, Any]], Awaitable[dict[str, Any]]]
Get = Callable[[str, str], Awaitable[dict[str, Any]]]


async def drive_project(post: Post, get: Get, pid: str, shape: str, tokens: dict[str, str], customer: str,
                        i: int, agent_name: str | None = None) -> None:  # fmt: skip
    """One project through the API to `shape`: open_assessment, open_execution, declined,
    completed (every third with a rejected first review and its rectification). With the
    agent's name (the deal's split names them): a lead followed up three times, a cost once
    the plan is approved, and a confirmed deal for three in four completed projects."""
    agent, head, cust = tokens["agent"], tokens["head"], tokens["customer"]
    base, today = f"/v1/projects/{pid}", date.today()
    if agent_name:
        await lead(post, agent, pid, i)
    await post("/v1/projects", agent, {"id": pid, "channel": random.choice(["phone", "visit", "online", "email"]),
                                       "business_type": random.choice(["property_sale", "loan", "recruitment"]),
                                       "requirement": f"需求 {i}: 两居室, 近地铁", "customer": {
                                           "name": "陈杰", "phone": "13800000000", "user": customer}})  # fmt: skip
    if shape == "open_assessment":
        return
    if shape == "declined":
        await post(f"{base}/assessment", agent, {"in_scope": False, "comment": "out of scope"})
        return
    await post(f"{base}/assessment", agent, {"in_scope": True, "difficulty": "medium", "risk_level": "low",
                                             "expected_cycle_days": 30 + i % 40, "budget": "5000",
                                             "expected_revenue": str(100000 + 1000 * (i % 50))})  # fmt: skip
    await post(f"{base}/decisions", head, {"gate": "initiation", "decision": "approve"})
    names = [f"m{k}" for k in range(1, 4)]
    await post(f"{base}/plan", agent, {"goals": "Sign the lease", "responsibilities": "agent", "milestones": [
        {"name": n, "due_date": (today + timedelta(days=7 * (k + 1))).isoformat()} for k, n in enumerate(names)]})
    await post(f"{base}/decisions", head, {"gate": "plan", "decision": "approve"})
    if agent_name:
        await post(f"{base}/costs", agent, {"amount": str(3000 + 100 * (i % 40)), "description": "带看交通",
                                            "spent_on": today.isoformat()})  # fmt: skip
    if agent_name and shape == "completed" and i % 4 != 3:
        await post(f"{base}/deal", agent, {"deal_date": today.isoformat(), "value": str(90000 + 1000 * (i % 30)),
                                           "commission": str(2000 + 50 * (i % 30)),
                                           "split": [{"agent": agent_name, "share": 100}]})  # fmt: skip
        await post(f"{base}/deal/confirm", head, {})
    for week, done in enumerate(([names[0]], [names[1]], [])):
        await post(f"{base}/reports", agent, {"progress": f"week {week + 1}", "next_week_plan": "viewings",
                                              "completed_milestones": done})  # fmt: skip
        if shape == "open_execution":
            return
    await post(f"{base}/results", agent, {"summary": "Lease signed", "completed_milestones": [names[2]]})
    if i % 3 == 0:
        await post(f"{base}/decisions", head, {"gate": "result_review", "decision": "reject",
                                               "comment": "Deposit clause missing"})  # fmt: skip
        tasks = (await get("/v1/tasks", agent))["items"]
        for task in [t for t in tasks if t["project_id"] == pid and t["kind"] == "rectification"]:
            await post(f"/v1/tasks/{task['id']}/complete", agent, {"resolution": "Clause added"})
        await post(f"{base}/results", agent, {"summary": "Lease v2"})
    await post(f"{base}/decisions", head, {"gate": "result_review", "decision": "approve"})
    await post(f"{base}/acceptance", cust, {"accepted": True, "rating": 3 + i % 3})


async def lead(post: Post, agent: str, pid: str, i: int) -> None:
    """A lead of the seed's agent, followed up by phone, a visit registered late, then WeChat."""
    phone = f"139{zlib.crc32(pid.encode()) % 10**8:08d}"  # unique enough for a seed of hundreds
    customer = await post("/v1/customers", agent, {"name": f"客户{i}", "phone": phone,
                                                   "source": "phone", "grade": "ABCD"[i % 4]})  # fmt: skip
    for way, hours in (("call", 0), ("visit", 3), ("wechat", 0)):
        body = {"way": way, "content": f"{way} {i}"}
        if hours:
            body["happened_at"] = (datetime.now(UTC) - timedelta(hours=hours)).isoformat()
        await post(f"/v1/customers/{customer['id']}/follow-ups", agent, body)


def shape_of(i: int) -> str:
    """About 15% open (10% waiting on assessment, 5% in execution), 5% declined, the rest completed."""
    if i % 10 == 0:
        return "open_assessment"
    if i % 20 == 1:
        return "open_execution"
    if i % 20 == 2:
        return "declined"
    return "completed"


async def company(conn: asyncpg.Connection, departments: int, agents: int) -> list[tuple[str, str, str]]:
    """The company's departments and agents (users rows, no tokens anyone holds): (dept, id, name)."""
    staff = [(f"dept-{d:02d}", f"bench-agent-{a:03d}", f"业务员{a:03d}")
             for a in range(agents) for d in [a % departments]]  # fmt: skip
    await conn.executemany(
        "INSERT INTO users (id, name, role, department, token_hash, created_at) VALUES ($1, $2, 'agent', $3, $4, "
        "now() - interval '3 years') ON CONFLICT DO NOTHING",
        [(uid, name, dept, uuid.uuid4().hex) for dept, uid, name in staff])  # fmt: skip
    return staff


async def _columns(conn: asyncpg.Connection, table: str) -> list[tuple[str, str]]:
    rows = await conn.fetch("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 "
                            "AND is_generated = 'NEVER' ORDER BY ordinal_position", table)  # fmt: skip
    return [(r["column_name"], r["data_type"]) for r in rows]


def _expr(column: str, kind: str, seed: dict[str, str]) -> str:
    """The copy's value of one column of a seed row `t` for copy `c`."""
    col = f"t.{column}"

    def swap(text: str) -> str:
        for old, new in ((seed["agent_id"], "c.agent_id"), (seed["agent_name"], "c.agent_name"),
                         (seed["dept"], "c.dept")):  # fmt: skip
            text = f"replace({text}, '{old}', {new})"
        return f"replace({text}, c.seed_id, c.new_id)"

    if kind == "text":
        if column in KEYS:
            return f"CASE WHEN strpos({col}, c.seed_id) > 0 THEN {swap(col)} ELSE {col} || '~' || c.n END"
        return swap(col)
    if kind == "jsonb":
        return f"{swap(col + '::text')}::jsonb"
    if kind == "ARRAY":
        return f"{swap(col + '::text')}::text[]"
    if kind.startswith("timestamp"):
        return f"{col} - c.shift"
    if kind == "date":
        return f"({col} - c.shift)::date"
    return col


async def copy_projects(conn: asyncpg.Connection, seed_ids: list[str], shapes: dict[str, str], *, start: int,
                        count: int, staff: list[tuple[str, str, str]], seed: dict[str, str], span_days: int,
                        rng: random.Random, chunk: int = 5000) -> None:  # fmt: skip
    """Copies start … start+count−1 of the seed projects, in chunks of `chunk` copies."""
    columns = {t: [(c, k) for c, k in await _columns(conn, t) if (t, c) not in NOT_COPIED]
               for t in (*TABLES, *LEAD_TABLES, "deliveries")}  # fmt: skip
    leads = [r["id"] for r in await conn.fetch("SELECT id FROM customer_master WHERE created_by = $1 ORDER BY id",
                                               seed["agent_id"])]  # fmt: skip
    for lo in range(start, start + count, chunk):
        rows = []
        for n in range(lo, min(lo + chunk, start + count)):
            sid = seed_ids[n % len(seed_ids)]
            days = rng.uniform(0, 30) if shapes[sid].startswith("open") else rng.uniform(0, span_days)
            dept, agent_id, agent_name = staff[rng.randrange(len(staff))]
            rows.append((n, sid, f"{sid}-c{n}", timedelta(days=days), dept, agent_id, agent_name))
        await conn.execute("DROP TABLE IF EXISTS copies; CREATE TEMP TABLE copies (n int, seed_id text, new_id text, "
                           "shift interval, dept text, agent_id text, agent_name text)")  # fmt: skip
        await conn.copy_records_to_table("copies", records=rows)
        async with conn.transaction():
            for table in TABLES:
                cols = columns[table]
                if not cols:
                    continue
                names = ", ".join(c for c, _ in cols)
                exprs = ", ".join(_expr(c, k, seed) for c, k in cols)
                key = "id" if table == "projects" else "project_id"
                await conn.execute(f"INSERT INTO {table} ({names}) SELECT {exprs} FROM {table} t "
                                   f"JOIN copies c ON t.{key} = c.seed_id")  # fmt: skip
            cols = columns["deliveries"]
            names = ", ".join(c for c, _ in cols)
            exprs = ", ".join(_expr(c, k, seed) for c, k in cols)
            await conn.execute(f"INSERT INTO deliveries ({names}) SELECT {exprs} FROM deliveries t "
                               f"JOIN outbox o ON o.id = t.outbox_id JOIN copies c ON o.project_id = c.seed_id")
            if leads:
                await copy_leads(conn, columns, leads, seed)


async def copy_leads(conn: asyncpg.Connection, columns: dict[str, list[tuple[str, str]]], leads: list[str],
                     seed: dict[str, str]) -> None:  # fmt: skip
    """Each copy of `copies` gets one of the seed's leads (by its number), as its agent's customer."""
    for table in LEAD_TABLES:
        cols = columns[table]
        key = "id" if table == "customer_master" else "customer_id"
        names = ", ".join(c for c, _ in cols)
        exprs = ", ".join(f"t.{c} || '~' || c.n" if c == "customer_id" else _expr(c, k, seed) for c, k in cols)
        await conn.execute(f"INSERT INTO {table} ({names}) SELECT {exprs} FROM {table} t "
                           f"JOIN copies c ON t.{key} = ($1::text[])[c.n % $2 + 1]", leads, len(leads))  # fmt: skip
