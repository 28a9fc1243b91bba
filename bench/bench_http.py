"""Benchmarks 1 and 4, end to end through HTTP with PostgreSQL writes, against a raw-SDK baseline.

    .venv/bin/python bench/bench_http.py --projects 200 --concurrency 20             # benchmark 1
    .venv/bin/python bench/bench_http.py --projects 200 --concurrency 20 --workers 1,2,4   # 4
    .venv/bin/python bench/bench_http.py --projects 404 --concurrency 20 --rounds 5       # medians

One Temporal dev server and one PostgreSQL (`jindu postgres`) serve both sides. Jindu runs
as `jindu api` and `jindu worker` processes driven through its public HTTP contract; the
baseline (bench/baseline_http.py) as an API process and worker processes whose workflow
writes one row with asyncpg per start and per update. Per side: N projects created
(starts/s), then each project's four actions in order — Jindu: assessment, initiation
decision, plan, plan decision; baseline: four updates — with C projects at a time
(decisions/s and their latency). Jindu's creates and actions ask for brief answers (`Prefer:
return=minimal`: the update's own answer, the project not read back; this client reads
nothing of an answer) unless `--answer view`, which reads the project back as every run
before 2026-12-06 did; the baseline reads its rows back either way. The CPU rows count each
process over the creates and the actions; the `decisions only` rows over the actions alone,
and their total is what sets decisions/s when the machine's cores are all busy. Jindu keeps
its search attributes for the Temporal Web UI up to date with every action; the baseline
upserts none unless `--raw-search-attributes`, which makes it upsert three with every write.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx
import psutil
from baseline_pg import TABLE as BASELINE_TABLE
from common import DevServer, Process, free_port, machine, pct, python, table

from store.crypto import new_data_key
from store.db import create_pool, migrate
from store.users import create_user


def jindu_actions(project_id: str, agent: str, head: str) -> tuple[tuple, list[tuple]]:
    base, today = f"/v1/projects/{project_id}", date.today()
    create = ("/v1/projects", agent, {"id": project_id, "channel": "phone", "business_type": "property_sale",
                                      "requirement": "Rent a flat", "customer": {"name": "陈杰"}})
    actions = [
        (f"{base}/assessment", agent, {"in_scope": True, "difficulty": "low", "risk_level": "low",
                                       "expected_cycle_days": 30, "budget": "5000"}),
        (f"{base}/decisions", head, {"gate": "initiation", "decision": "approve"}),
        (f"{base}/plan", agent, {"goals": "Sign", "responsibilities": "agent", "milestones": [
            {"name": "lease", "due_date": (today + timedelta(days=30)).isoformat()}]}),
        (f"{base}/decisions", head, {"gate": "plan", "decision": "approve"}),
    ]
    return create, actions


def raw_actions(project_id: str) -> tuple[tuple, list[tuple]]:
    decide = f"/v1/projects/{project_id}/decisions"
    return ("/v1/projects", None, {"id": project_id}), [(decide, None, {"gate": g, "decision": "approve"})
                                                         for g in ("a", "b", "c", "d")]


async def drive(url: str, plans: list[tuple[tuple, list[tuple]]], concurrency: int, brief: bool = False,
                between: Callable[[], None] | None = None) -> dict:
    """`brief`: the creates and the actions ask `Prefer: return=minimal`, and must get it.
    `between` runs once the creates are done and before the first action."""
    async with httpx.AsyncClient(base_url=url, timeout=60,
                                 limits=httpx.Limits(max_connections=concurrency * 2)) as http:
        async def post(path, token, body) -> float:
            began = time.perf_counter()
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if brief:
                headers["Prefer"] = "return=minimal"
            r = await http.post(path, json=body, headers=headers)
            if r.status_code not in (200, 201):
                raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
            if brief and r.headers.get("preference-applied") != "return=minimal":
                raise RuntimeError(f"{path}: asked for a brief answer, got {r.text[:200]}")
            return time.perf_counter() - began

        sem = asyncio.Semaphore(concurrency)

        async def limited(coro_fn):
            async with sem:
                return await coro_fn()

        began = time.perf_counter()
        start_lat = await asyncio.gather(*(limited(lambda c=create: post(*c)) for create, _ in plans))
        starts_wall = time.perf_counter() - began

        if between is not None:
            between()

        async def actions(steps) -> list[float]:
            return [await post(*step) for step in steps]

        began = time.perf_counter()
        per_project = await asyncio.gather(*(limited(lambda s=steps: actions(s)) for _, steps in plans))
        lat = [x for xs in per_project for x in xs]
        wall = time.perf_counter() - began
    return {"starts_per_s": len(plans) / starts_wall, "start_p50": pct(start_lat, 50),
            "updates_per_s": len(lat) / wall, "p50": pct(lat, 50), "p95": pct(lat, 95), "p99": pct(lat, 99)}


def cpu_seconds(proc: Process) -> float:
    times = psutil.Process(proc.pid).cpu_times()
    return times.user + times.system


def tree_cpu_seconds(pid: int) -> float:
    """A process and its descendants, the reaped ones (PostgreSQL's ended backends) included."""
    root = psutil.Process(pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


async def wait_http(url: str, path: str, proc: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as http:
        while True:
            try:
                if (await http.get(url + path)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if proc.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{proc.argv} did not serve:\n{proc.log.read_text(errors='replace')[-2000:]}")
            await asyncio.sleep(0.2)


async def run_side(side: str, ctx: dict, workers: int, args, workdir: Path) -> dict:
    queue, port = f"http-{side}-{uuid.uuid4().hex[:6]}", free_port()
    url = f"http://127.0.0.1:{port}"
    if side == "jindu":
        env = {**ctx["env"], "JINDU_TASK_QUEUE": queue, "JINDU_API_PORT": str(port)}
        api = Process(python("-m", "cli", "api"), workdir / f"{side}-api.log", env)
        procs = [Process(python("-m", "cli", "worker"), workdir / f"{side}-worker-{i}.log", env)
                 for i in range(workers)]
        ids = [f"h-{uuid.uuid4().hex[:10]}" for _ in range(args.projects)]
        plans = [jindu_actions(p, ctx["agent"], ctx["head"]) for p in ids]
    else:
        common_args = ["--address", ctx["address"], "--database-url", ctx["db"], "--task-queue", queue]
        sa_args = ["--search-attributes"] if args.raw_search_attributes else []
        api = Process(python("bench/baseline_http.py", "api", *common_args, "--port", str(port), *sa_args),
                      workdir / f"{side}-api.log")
        procs = [Process(python("bench/baseline_http.py", "worker", *common_args), workdir / f"{side}-worker-{i}.log")
                 for i in range(workers)]
        plans = [raw_actions(f"h-{uuid.uuid4().hex[:10]}") for _ in range(args.projects)]
    try:
        for p in [api, *procs]:
            p.start()
        for p in procs:
            p.wait_for_line("worker starting")
        await wait_http(url, "/healthz" if side == "jindu" else "/docs", api)
        brief = side == "jindu" and args.answer == "brief"
        await drive(url, plans[:4], 4, brief)  # warm up both paths
        def cpu_now() -> dict[str, float]:
            client = psutil.Process().cpu_times()
            return {"api": cpu_seconds(api), "worker": sum(cpu_seconds(p) for p in procs),
                    **{k: tree_cpu_seconds(pid) for k, pid in ctx["shared"].items()},
                    "client": client.user + client.system}

        marks = [cpu_now()]
        result = await drive(url, plans[4:], args.concurrency, brief, between=lambda: marks.append(cpu_now()))
        marks.append(cpu_now())
        began, decided, ended = marks
        for k in ended:
            result[f"{k}_cpu"] = ended[k] - began[k]
            result[f"{k}_decisions_cpu"] = ended[k] - decided[k]
        result["decisions_cpu"] = sum(ended[k] - decided[k] for k in ended)
        result["api_rss"] = psutil.Process(api.pid).memory_info().rss / 2**20
        return result
    finally:
        for p in [api, *procs]:
            p.stop()


# Where the decisions' CPU goes, by process (the rows above count the creates too): on a
# machine whose cores are all busy, the total sets how many decisions a second fit.
DECISION_CPU = (("api", "API"), ("worker", "worker"), ("temporal", "Temporal"), ("postgres", "PostgreSQL"),
                ("client", "client"))


def report_rows(raw: dict, jin: dict) -> list[tuple[str, float, float]]:
    return [
        ("project starts/s", raw["starts_per_s"], jin["starts_per_s"]),
        ("start latency p50 (ms)", raw["start_p50"] * 1000, jin["start_p50"] * 1000),
        ("decisions/s", raw["updates_per_s"], jin["updates_per_s"]),
        ("decision latency p50 (ms)", raw["p50"] * 1000, jin["p50"] * 1000),
        ("decision latency p95 (ms)", raw["p95"] * 1000, jin["p95"] * 1000),
        ("decision latency p99 (ms)", raw["p99"] * 1000, jin["p99"] * 1000),
        ("API process CPU (s)", raw["api_cpu"], jin["api_cpu"]),
        ("worker processes CPU (s)", raw["worker_cpu"], jin["worker_cpu"]),
        ("Temporal server CPU (s)", raw["temporal_cpu"], jin["temporal_cpu"]),
        ("PostgreSQL CPU (s)", raw["postgres_cpu"], jin["postgres_cpu"]),
        ("benchmark client CPU (s)", raw["client_cpu"], jin["client_cpu"]),
        *[(f"decisions only: {name} CPU (s)", raw[f"{k}_decisions_cpu"], jin[f"{k}_decisions_cpu"])
          for k, name in DECISION_CPU],
        ("decisions only: all CPU (s)", raw["decisions_cpu"], jin["decisions_cpu"]),
        ("API process RSS after (MB)", raw["api_rss"], jin["api_rss"]),
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20, help="projects driven at once")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of both sides, alternating which goes first; with more than one, the median "
                             "ratio of each figure is printed (this machine's speed drifts between runs)")
    parser.add_argument("--answer", choices=("brief", "view"), default="brief",
                        help="what Jindu's actions answer: `brief` (Prefer: return=minimal: the update's own answer, "
                             "the project not read back; this client reads nothing of it) or `view` (the project "
                             "read back from PostgreSQL). The baseline reads its rows back either way")
    parser.add_argument("--raw-search-attributes", action="store_true",
                        help="the baseline also upserts three of Jindu's search attributes (stage, assignees, due "
                             "time) with each write, as a service that operations watch in the Temporal Web UI must; "
                             "by default it upserts none")
    parser.add_argument("--workers", default="1", help="worker processes per side; a list for scale-out, e.g. 1,2,4")
    args = parser.parse_args()
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="jindu-http-") as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "JINDU_DATA_DIR": str(workdir / "jindu"), "JINDU_DATA_KEY": new_data_key()}
        env.pop("JINDU_DATABASE_URL", None)
        postgres = Process(python("-m", "cli", "postgres"), workdir / "postgres.log", env).start()
        server = DevServer(workdir)
        server.start()
        try:
            postgres.wait_for_line("postgresql://")
            db = postgres.log.read_text().split("postgresql://", 1)[1].split()[0]
            db = "postgresql://" + db
            await server.ready()
            postmaster = next(p.pid for p in psutil.process_iter(["name", "cmdline", "ppid"])
                              if p.info["name"] == "postgres" and str(workdir) in " ".join(p.info["cmdline"] or [])
                              and psutil.Process(p.info["ppid"]).name() != "postgres")
            await migrate(db)
            pool = await create_pool(db, max_size=2)
            # the baseline's table made once here: its API and worker processes each run CREATE
            # TABLE IF NOT EXISTS at start, which races (duplicate pg_type) on a fresh database
            await pool.execute(BASELINE_TABLE)
            dept = f"d-{uuid.uuid4().hex[:6]}"
            _, agent = await create_user(pool, name=f"a-{dept}", role="agent", department=dept)
            _, head = await create_user(pool, name=f"h-{dept}", role="dept_head", department=dept)
            await pool.close()
            ctx = {"env": {**env, "JINDU_DATABASE_URL": db, "JINDU_TEMPORAL_ADDRESS": server.address},
                   "address": server.address, "db": db, "agent": agent, "head": head,
                   "shared": {"temporal": server.pid, "postgres": postmaster}}
            for workers in [int(w) for w in args.workers.split(",")]:
                ratios: dict[str, list[float]] = {}
                for n in range(args.rounds):
                    # alternate which side goes first, so a drift of the machine's speed during a
                    # round (other tenants, a warming cache) does not always favour one side
                    sides = ("raw", "jindu") if n % 2 == 0 else ("jindu", "raw")
                    done = {side: await run_side(side, ctx, workers, args, workdir) for side in sides}
                    rows = report_rows(done["raw"], done["jindu"])
                    for name, raw, jin in rows:
                        ratios.setdefault(name, []).append(jin / raw if raw else float("nan"))
                    print()
                    print(table(f"{args.projects - 4} projects, 4 actions each, concurrency {args.concurrency}, "
                                f"{workers} worker process(es), 1 API process per side, Jindu answers {args.answer}, "
                                f"raw upserts {'3 search attributes' if args.raw_search_attributes else 'none'}, "
                                f"round {n + 1} of "
                                f"{args.rounds} ({sides[0]} first), load {os.getloadavg()[0]:.2f}", rows), flush=True)
                if args.rounds > 1:
                    print(f"\nJindu/raw over {args.rounds} rounds, {workers} worker process(es): median (min–max)")
                    for name, values in ratios.items():
                        print(f"{name:<34}{statistics.median(values):>8.2f}   ({min(values):.2f}–{max(values):.2f})")
        finally:
            server.stop()
            postgres.stop()


if __name__ == "__main__":
    asyncio.run(main())
