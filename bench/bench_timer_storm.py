"""Benchmark 3, timer storm: N weekly reminders due at the same moment, with 1 and 2 workers.

    .venv/bin/python bench/bench_timer_storm.py --projects 10000 --workers 1,2

Per side and worker count: a fresh in-memory dev server, W worker processes
(bench_worker.py: Jindu's ProjectWorkflow with stub activities, or the raw-SDK
ParkedRawWorkflow), N projects parked with their weekly report due at one moment T. The
activity that records a reminder appends its wall-clock time to a file; the lag is that time
minus T (p50, p99), the drain time the last lag. Both sides use the same
max_cached_workflows (--cache, default 1000 like JINDU_MAX_CACHED_WORKFLOWS).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jindu_adapter as jindu
from bench_capacity import gather_limited, idle
from common import DevServer, Process, machine, pct, python
from raw_workflows import ParkedRawWorkflow


async def storm(side: str, projects: int, workers: int, cache: int, lead: float, workdir: Path) -> dict:
    workdir.mkdir(parents=True)
    server = DevServer(workdir)
    server.start()
    client = await server.ready()
    queue = f"storm-{uuid.uuid4().hex[:6]}"
    reminders = workdir / "reminders.txt"
    procs = [Process(python("bench/bench_worker.py", "--address", server.address, "--task-queue", queue,
                            "--cache", str(cache), "--reminders", str(reminders)), workdir / f"worker-{i}.log").start()
             for i in range(workers)]
    try:
        for p in procs:
            p.wait_for_line("worker ready")
        template = await jindu.execution_template(client, queue) if side == "jindu" else None
        due = datetime.now(UTC) + timedelta(seconds=lead)
        ids = [jindu.new_project_id(f"storm-{side}", i) for i in range(projects)]
        if side == "jindu":
            starts = [client.start_workflow(jindu.WORKFLOW.run, jindu.parked(template, p, weekly_report_due=due),
                                            id=jindu.workflow_id(p), task_queue=queue) for p in ids]
        else:
            starts = [client.start_workflow(ParkedRawWorkflow.run, args=[p, due.isoformat()], id=jindu.workflow_id(p),
                                            task_queue=queue) for p in ids]
        await gather_limited(starts)
        for p in procs:
            await idle(p.pid, quiet=1.0)
        slack = (due - datetime.now(UTC)).total_seconds()
        if slack < 1:
            raise RuntimeError(f"parking took longer than --lead ({lead:.0f} s); raise it")
        deadline = time.monotonic() + slack + 900
        while time.monotonic() < deadline:
            await asyncio.sleep(1)
            if reminders.exists() and len(reminders.read_text().splitlines()) >= projects:
                break
        recorded = {}
        for line in reminders.read_text().splitlines():
            pid, at = line.split()
            recorded.setdefault(pid, float(at))  # the first record of each project
        lags = [at - due.timestamp() for at in recorded.values()]
        return {"p50": pct(lags, 50), "p99": pct(lags, 99), "drain": max(lags), "recorded": len(recorded),
                "slack": slack}
    finally:
        for p in procs:
            p.stop()
        server.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker process counts")
    parser.add_argument("--cache", type=int, default=1000, help="max_cached_workflows of every worker")
    parser.add_argument("--lead", type=float, help="seconds from the start of parking to the due time "
                        "(default: enough to park --projects)")
    args = parser.parse_args()
    lead = args.lead or max(30.0, args.projects / 25)
    print(machine(), flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="jindu-storm-") as tmp:
        for workers in [int(w) for w in args.workers.split(",")]:
            result = {}
            for side in ("raw", "jindu"):
                result[side] = await storm(side, args.projects, workers, args.cache, lead,
                                           Path(tmp) / f"{side}-{workers}")
                r = result[side]
                print(f"  {side} {workers} worker(s): {r['recorded']}/{args.projects} reminders, p50 {r['p50']:.2f} s, "
                      f"p99 {r['p99']:.2f} s, drained in {r['drain']:.2f} s (parked {r['slack']:.0f} s early)",
                      flush=True)
            rows.append((workers, result))
    print(f"\n{args.projects} weekly reminders due at one moment, max_cached_workflows {args.cache}; lag in seconds")
    print(f"{'workers':>7} {'metric':>8} {'raw SDK':>9} {'Jindu':>9} {'Jindu/raw':>10}")
    for workers, result in rows:
        for metric in ("p50", "p99", "drain"):
            raw, jin = result["raw"][metric], result["jindu"][metric]
            print(f"{workers:>7} {metric:>8} {raw:>9.2f} {jin:>9.2f} {jin / raw:>10.2f}")


if __name__ == "__main__":
    asyncio.run(main())
