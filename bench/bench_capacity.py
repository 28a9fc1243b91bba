"""Benchmark 2, open-project capacity: worker and server RSS with N projects parked in execution,
fully cached and with the default cache of 1,000, and the replay cost an evicted project pays.

    .venv/bin/python bench/bench_capacity.py --sizes 1000,5000,10000

Per side (Jindu's ProjectWorkflow, and a raw-SDK workflow that waits on a weekly deadline) a
fresh in-memory dev server and one worker process (bench_worker.py, activities stubbed):
  A. worker cache larger than the largest size: park projects up to each size, read RSS;
  B. a new worker with max_cached_workflows=1000: send one cheap update to every project in
     turn (none is in its cache, so each replays; past 1,000 the cache evicts), reading RSS
     at each size; latency of the first 100 (replayed, one at a time) against 100 updates to
     the most recent projects (cached);
  C. in this process, time the SDK Replayer on a history of a project driven through its
     updates: the replay cost per event.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

import jindu_adapter as jindu
from common import DevServer, Process, machine, pct, python, rss_mb
from raw_workflows import ParkedRawWorkflow
from temporalio.client import Client
from temporalio.worker import Replayer

CACHE_DEFAULT = 1000


async def idle(pid: int, quiet: float = 2.0, timeout: float = 600) -> None:
    """Until the worker has used under 3% CPU for `quiet` seconds: every parked task is done."""
    import psutil

    proc, deadline, calm_since = psutil.Process(pid), time.monotonic() + timeout, None
    proc.cpu_percent()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if proc.cpu_percent() < 3:
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return
        else:
            calm_since = None


async def gather_limited(coros, limit: int = 64) -> list:
    sem = asyncio.Semaphore(limit)

    async def one(coro):
        async with sem:
            return await coro

    return await asyncio.gather(*(one(c) for c in coros))


class Side:
    def __init__(self, name: str, client: Client, queue: str) -> None:
        self.name, self.client, self.queue = name, client, queue
        self.ids: list[str] = []
        self.template = None

    async def park(self, count: int) -> None:
        new = [jindu.new_project_id(f"cap-{self.name}", i) for i in range(len(self.ids), count)]
        if self.name == "jindu":
            starts = [self.client.start_workflow(jindu.WORKFLOW.run, jindu.parked(self.template, p),
                                                 id=jindu.workflow_id(p), task_queue=self.queue) for p in new]
        else:
            starts = [self.client.start_workflow(ParkedRawWorkflow.run, args=[p, None], id=jindu.workflow_id(p),
                                                 task_queue=self.queue) for p in new]
        await gather_limited(starts)
        self.ids += new

    async def touch(self, project_id: str) -> float:
        began = time.perf_counter()
        if self.name == "jindu":
            await jindu.cheap_update(self.client, project_id)
        else:
            await self.client.get_workflow_handle(jindu.workflow_id(project_id)).execute_update(ParkedRawWorkflow.touch)
        return time.perf_counter() - began

    async def history_length(self) -> int:
        return (await self.client.get_workflow_handle(jindu.workflow_id(self.ids[-1])).describe()).history_length


async def measure_side(name: str, sizes: list[int], workdir: Path) -> dict:
    server = DevServer(workdir / name)
    server.start()
    client = await server.ready()
    queue = f"cap-{uuid.uuid4().hex[:6]}"
    out: dict = {"full": {}, "default": {}}

    def worker(cache: int) -> Process:
        w = Process(python("bench/bench_worker.py", "--address", server.address, "--task-queue", queue,
                           "--cache", str(cache)), workdir / name / f"worker-{cache}.log").start()
        w.wait_for_line("worker ready")
        return w

    try:
        w = worker(max(sizes) + CACHE_DEFAULT)
        side = Side(name, client, queue)
        if name == "jindu":
            side.template = await jindu.execution_template(client, queue)
        await idle(w.pid)
        out["worker_base"], out["server_base"] = rss_mb(w.pid), rss_mb(server.pid)
        for size in sizes:
            await side.park(size)
            await idle(w.pid)
            out["full"][size] = (rss_mb(w.pid), rss_mb(server.pid))
            print(f"  {name} full cache {size}: worker {out['full'][size][0]:.0f} MB, "
                  f"server {out['full'][size][1]:.0f} MB", flush=True)
        w.stop()

        w = worker(CACHE_DEFAULT)
        # A fresh worker caches nothing: the first 100 updates, one at a time, each replay.
        evicted = [await side.touch(p) for p in side.ids[:100]]
        done = 100
        for size in sizes:
            await gather_limited([side.touch(p) for p in side.ids[done:size]], limit=8)
            done = size
            await idle(w.pid)
            out["default"][size] = (rss_mb(w.pid), rss_mb(server.pid))
            print(f"  {name} cache {CACHE_DEFAULT} {size}: worker {out['default'][size][0]:.0f} MB", flush=True)
        cached = [await side.touch(p) for p in side.ids[-100:]]
        out["evicted_p50"], out["cached_p50"] = pct(evicted, 50), pct(cached, 50)
        out["history_events"] = await side.history_length()
        out["replay_ms_per_event"] = await replay_cost(client, side)
        w.stop()
    finally:
        server.stop()
    return out


async def replay_cost(client: Client, side: Side) -> float:
    """SDK Replayer time per history event, on a project after 20 updates (longer than a parked one)."""
    pid = side.ids[0]
    for _ in range(20):
        await side.touch(pid)
    history = await client.get_workflow_handle(jindu.workflow_id(pid)).fetch_history()
    workflows = [jindu.WORKFLOW] if side.name == "jindu" else [ParkedRawWorkflow]
    replayer = Replayer(workflows=workflows, data_converter=jindu.DATA_CONVERTER)
    began = time.perf_counter()
    for _ in range(20):
        await replayer.replay_workflow(history)
    return (time.perf_counter() - began) / 20 / len(history.events) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="comma-separated project counts")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="jindu-cap-") as tmp:
        results = {name: await measure_side(name, sizes, Path(tmp)) for name in ("raw", "jindu")}
    raw, jin = results["raw"], results["jindu"]
    print(f"\nRSS in MB (worker process; dev server in parentheses); base = worker with nothing parked: "
          f"raw {raw['worker_base']:.0f}, Jindu {jin['worker_base']:.0f}")
    print(f"{'projects':>9} {'cache':>8} {'raw worker':>14} {'Jindu worker':>14} {'ratio':>6} "
          f"{'raw server':>11} {'Jindu server':>13}")
    for mode, label in (("full", "all"), ("default", str(CACHE_DEFAULT))):
        for size in sizes:
            (rw, rs), (jw, js) = raw[mode][size], jin[mode][size]
            print(f"{size:>9} {label:>8} {rw:>14.0f} {jw:>14.0f} {jw / rw:>6.2f} {rs:>11.0f} {js:>13.0f}")
    top = max(sizes)
    for name, r in (("raw", raw), ("Jindu", jin)):
        per = (r["full"][top][0] - r["worker_base"]) / top * 1000
        print(f"{name}: {per:.0f} KB per cached project; update to an evicted project p50 "
              f"{r['evicted_p50'] * 1000:.1f} ms vs cached {r['cached_p50'] * 1000:.1f} ms "
              f"({r['history_events']} events); SDK replay {r['replay_ms_per_event']:.3f} ms/event")


if __name__ == "__main__":
    asyncio.run(main())
