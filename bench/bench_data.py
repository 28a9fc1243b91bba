"""Benchmark 6, data scale: every read route and page at 1k, 10k and 100k projects.

    nice -n 10 .venv/bin/python bench/bench_data.py --projects 1000,10000,100000

One embedded PostgreSQL, one Temporal dev server, the real worker and the real API app in
this process. A seed of projects is driven through the public API (intake to acceptance,
some declined, some left open; bench/data_seed.py), then copied set-based up to each size
(10 departments, 100 agents, 24 months, about 15% open). At each size every route is asked
twice to warm up and then `--repeat` times (median and worst printed), as the department's
head, its agent, an executive or operations, with the SQL statements each request sent
(tests/perf/counting.py); the last table shows each figure's growth from the smallest size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
from common import machine
from data_seed import company, copy_projects, drive_project, shape_of
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from jindu.temporal import data_converter, temporal_cli_path
from store.crypto import DataCipher, decode_data_key, new_data_key
from store.db import create_pool, migrate
from store.embedded import ensure_database, start_embedded, stop_embedded
from store.period_rollups import RollupSweep
from store.sessions import issue_signin_link
from store.users import create_user, token_hash
from tests.perf.counting import StatementCounter, counting_pool
from worker import build_outbox, build_worker
from workflows import search_attributes

QUEUE = "bench-data"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def routes(year: str, quarter: str, month: str) -> list[tuple[str, str, str]]:
    """(name, who, path): who is head (dept-00's dept_head), agent (its busiest agent), exec, ops, web-*."""
    return [
        ("projects (first page)", "ops", "/v1/projects"),
        ("projects stage=execution", "ops", "/v1/projects?stage=execution"),
        ("projects overdue=true", "ops", "/v1/projects?overdue=true"),
        ("projects warning=false", "ops", "/v1/projects?warning=false"),
        ("projects department", "head", "/v1/projects"),
        ("projects 20,000 deep (cursor)", "ops", "CURSOR"),
        ("project view", "ops", "PROJECT"),
        ("inbox API (agent)", "agent", "/v1/tasks"),
        ("inbox API (head)", "head", "/v1/tasks"),
        ("inbox page (agent)", "web-agent", "/"),
        ("dashboard API", "exec", "/v1/dashboard"),
        ("dashboard page", "web-exec", "/dashboard"),
        ("kpis (default 12 months)", "exec", "/v1/kpis"),
        ("kpis by agent, a quarter", "exec", f"/v1/kpis?group_by=agent&period={quarter}"),
        ("kpis by month, a year", "exec", f"/v1/kpis?group_by=month&period={year}"),
        ("kpis page", "web-exec", "/kpis"),
        ("appraisal year JSON (all)", "exec", f"/v1/appraisal?period={year}"),
        ("appraisal year JSON (dept)", "head", f"/v1/appraisal?period={year}"),
        ("appraisal year CSV", "exec", f"/v1/appraisal?period={year}&format=csv"),
        ("appraisal year XLSX", "exec", f"/v1/appraisal?period={year}&format=xlsx"),
        ("appraisal month JSON", "exec", f"/v1/appraisal?period={month}"),
        ("appraisal page (year)", "web-exec", f"/appraisal?period={year}"),
        ("service KPIs year", "exec", f"/v1/service-kpis?period={year}"),
        ("complaints", "ops", "/v1/complaints"),
        ("users", "ops", "/v1/users"),
        ("metrics (refresh)", "ops", "/metrics"),
        ("customers (all)", "ops", "/v1/customers"),
        ("customers (agent)", "agent", "/v1/customers"),
        ("customers due (head)", "head", "/v1/customers?due=true"),
        ("customers page (agent)", "web-agent", "/customers"),
        ("deal figures (a year)", "exec", "/v1/deals/figures"),
        ("deals page (a year)", "web-exec", f"/deals?period={year}"),
    ]


class Timer:
    def __init__(self, app: Any, counter: StatementCounter, tokens: dict[str, str], web: dict[str, httpx.AsyncClient],
                 repeat: int) -> None:  # fmt: skip
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300)
        self.counter, self.tokens, self.web, self.repeat = counter, tokens, web, repeat

    async def once(self, who: str, path: str) -> tuple[float, int]:
        client = self.web[who] if who.startswith("web-") else self.http
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}
        self.counter.reset()
        began = time.perf_counter()
        r = await client.get(path, headers=headers)
        took = time.perf_counter() - began
        if r.status_code != 200:
            raise RuntimeError(f"{path} as {who}: {r.status_code} {r.text[:300]}")
        return took, self.counter.count

    async def measure(self, who: str, path: str) -> dict[str, float]:
        first = [await self.once(who, path) for _ in range(2)]  # the first may compute rollups (store/rollups.py)
        runs = [await self.once(who, path) for _ in range(self.repeat)]
        return {"p50": statistics.median(t for t, _ in runs) * 1000, "max": max(t for t, _ in runs) * 1000,
                "statements": statistics.median(n for _, n in runs), "first": first[0][0] * 1000}  # fmt: skip


async def signed_in(app: Any, pool: Any, user_id: str) -> httpx.AsyncClient:
    web = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=300)
    code = await issue_signin_link(pool, user_id, timedelta(hours=12))
    page = await web.get(f"/signin/link?code={code}")
    await web.post("/signin/link", data={"code": code, "csrf": CSRF.search(page.text).group(1)})
    return web


async def seed(app: Any, pool: Any, people: dict[str, Any], n: int) -> tuple[list[str], dict[str, str]]:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120)
    tokens = {k: v[1] for k, v in people.items()}

    async def post(path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        if r.status_code not in (200, 201):
            raise RuntimeError(f"{path}: {r.status_code} {r.text[:300]}")
        return r.json()

    async def get(path: str, token: str) -> dict[str, Any]:
        return (await http.get(path, headers={"Authorization": f"Bearer {token}"})).json()

    ids = [f"s{uuid.uuid4().hex[:8]}" for _ in range(n)]
    shapes = {pid: shape_of(i) for i, pid in enumerate(ids)}
    sem = asyncio.Semaphore(6)

    async def one(i: int, pid: str) -> None:
        async with sem:
            await drive_project(post, get, pid, shapes[pid], tokens, people["customer"][0].name, i,
                                agent_name=people["agent"][0].name)  # fmt: skip

    await asyncio.gather(*(one(i, pid) for i, pid in enumerate(ids)))
    await http.aclose()
    return ids, shapes


def report(sizes: list[int], results: dict[int, dict[str, dict[str, float]]], names: list[str]) -> str:
    head = f"{'route':<30}" + "".join(f"{f'{n:,} p50':>12}{'max':>8}{'stmts':>6}" for n in sizes)
    if len(sizes) > 1:
        head += f"{'growth':>8}"
    lines = [head]
    for name in names:
        line = f"{name:<30}"
        for n in sizes:
            r = results[n][name]
            line += f"{r['p50']:>12.1f}{r['max']:>8.1f}{int(r['statements']):>6}"
        if len(sizes) > 1:
            line += f"{results[sizes[-1]][name]['p50'] / results[sizes[0]][name]['p50']:>7.1f}×"
        lines.append(line)
    return "\n".join(lines)


async def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default="1000,10000", help="sizes, ascending, e.g. 1000,10000,100000")
    parser.add_argument("--seed", type=int, default=40, help="projects driven through the API")
    parser.add_argument("--cold", action="store_true",
                        help="measure without the worker's sweep of the rollups first (each period's first request "
                             "computes its closed months)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--span-days", type=int, default=730, help="how far back finished projects go")
    parser.add_argument("--hold", type=int, default=0, help="seconds to keep PostgreSQL up after (to explain queries)")
    parser.add_argument("--routes", default="", help="only routes whose name has one of these, e.g. kpis,appraisal")
    args = parser.parse_args()
    sizes = [int(s) for s in args.projects.split(",")]
    print(machine(), flush=True)
    rng = random.Random(16)
    with tempfile.TemporaryDirectory(prefix="jindu-data-") as tmp:
        pgdata = Path(tmp) / "pg"
        server = await asyncio.to_thread(start_embedded, pgdata)
        try:
            url = await ensure_database(server, "bench")
            await migrate(url)
            await run(url, sizes, args, rng)
            if args.hold:
                print(f"holding PostgreSQL at {url} for {args.hold} s", flush=True)
                await asyncio.sleep(args.hold)
        finally:
            await asyncio.to_thread(stop_embedded, pgdata)


async def run(url: str, sizes: list[int], args: argparse.Namespace, rng: random.Random) -> None:
    cipher = DataCipher(decode_data_key(new_data_key()))
    pool, counter = await create_pool(url, max_size=10), StatementCounter()
    counted = await counting_pool(url, counter)
    people = {
        "agent": await create_user(pool, name="seed-agent", role="agent", department="seed-dept"),
        "head": await create_user(pool, name="seed-head", role="dept_head", department="seed-dept"),
        "customer": await create_user(pool, name="seed-customer", role="customer"),
    }
    settings = Settings(task_queue=QUEUE, metrics_cache_seconds=0)
    began = time.perf_counter()
    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()), search_attributes=search_attributes.ALL,
        data_converter=data_converter, dev_server_log_level="error",
    ) as env:  # fmt: skip
        app = create_app(settings, client=env.client, pool=counted, cipher=cipher, policy=ProjectPolicy())
        outbox = build_outbox(settings, pool, cipher=cipher)
        async with build_worker(env.client, pool=pool, task_queue=QUEUE, outbox=outbox), \
                app.router.lifespan_context(app):  # fmt: skip
            ids, shapes = await seed(app, pool, people, args.seed)
            await outbox.drain()
        print(f"seed: {len(ids)} projects through the API in {time.perf_counter() - began:.0f} s", flush=True)
        async with pool.acquire() as conn:
            staff = await company(conn, departments=10, agents=100)
        seed_names = {"agent_id": people["agent"][0].id, "agent_name": "seed-agent", "dept": "seed-dept"}
        tokens = {"ops": (await create_user(pool, name="bench-ops", role="operations"))[1],
                  "exec": (await create_user(pool, name="bench-exec", role="executive"))[1],
                  "head": (await create_user(pool, name="bench-head", role="dept_head", department="dept-00"))[1],
                  "agent": "bench-agent-000-token"}  # fmt: skip
        await pool.execute("UPDATE users SET token_hash = $1 WHERE id = 'bench-agent-000'", token_hash(tokens["agent"]))
        async with app.router.lifespan_context(app):
            web = {"web-agent": await signed_in(app, pool, "bench-agent-000"),
                   "web-exec": await signed_in(app, pool, await pool.fetchval(
                       "SELECT id FROM users WHERE name = 'bench-exec'"))}  # fmt: skip
            timer = Timer(app, counter, tokens, web, args.repeat)
            now = datetime.now(UTC)
            last_year = now.replace(year=now.year - 1)
            table = routes(f"{last_year:%Y}", f"{last_year:%Y}-Q{(last_year.month - 1) // 3 + 1}",
                           f"{now:%Y-%m}")  # fmt: skip
            if args.routes:
                table = [r for r in table if any(part in r[0] for part in args.routes.split(","))]
            results: dict[int, dict[str, dict[str, float]]] = {}
            made = len(ids)
            for size in sizes:
                began = time.perf_counter()
                async with pool.acquire() as conn:
                    await copy_projects(conn, ids, shapes, start=made, count=size - made, staff=staff,
                                        seed=seed_names, span_days=args.span_days, rng=rng)  # fmt: skip
                    await conn.execute("VACUUM ANALYZE")
                made = size
                events, deals, follow_ups = await pool.fetchrow(
                    "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM deals WHERE confirmed_at IS NOT NULL),"
                    " (SELECT count(*) FROM customer_follow_ups)")  # fmt: skip
                print(f"{size:,} projects, {events:,} events, {deals:,} confirmed deals, {follow_ups:,} follow-ups: "
                      f"built in {time.perf_counter() - began:.0f} s", flush=True)  # fmt: skip
                if not args.cold:  # the worker's sweep sums the closed months, as it does after a deploy
                    began, sweep, months = time.perf_counter(), RollupSweep(pool, ZoneInfo("Asia/Shanghai")), 0
                    while done := await sweep.sweep():
                        months += done
                    print(f"the worker's sweep: {months} report months in {time.perf_counter() - began:.1f} s")
                pid = await pool.fetchval("SELECT id FROM projects WHERE stage = 'completed' LIMIT 1")
                cursor = await deep_cursor(timer, 200)
                results[size] = {}
                for name, who, path in table:
                    deep = f"/v1/projects?after={quote(cursor, safe='')}" if cursor else "/v1/projects"
                    path = {"PROJECT": f"/v1/projects/{pid}", "CURSOR": deep}.get(path, path)
                    results[size][name] = await timer.measure(who, path)
                    r = results[size][name]
                    print(f"  {name:<30}{r['p50']:>9.1f} ms {r['max']:>9.1f} max {int(r['statements']):>4} statements "
                          f"(first request {r['first']:.1f} ms)", flush=True)  # fmt: skip
            print()
            print(report(sizes, results, [name for name, _, _ in table]), flush=True)
            print(machine(), flush=True)
    await counted.close()
    await pool.close()


async def deep_cursor(timer: Timer, pages: int) -> str | None:
    """The cursor after `pages` pages of 100 of the unfiltered list (or after the last full page)."""
    cursor = None
    for _ in range(pages):
        params: dict[str, Any] = {"limit": 100, **({"after": cursor} if cursor else {})}
        r = await timer.http.get("/v1/projects", params=params,
                                 headers={"Authorization": f"Bearer {timer.tokens['ops']}"})  # fmt: skip
        if not (nxt := r.json().get("next_cursor")):
            break
        cursor = nxt
    return cursor


if __name__ == "__main__":
    asyncio.run(main())
