"""A worker process for the capacity and timer-storm benchmarks: ProjectWorkflow with stub
activities (jindu_adapter.StubActivities) and the raw-SDK ParkedRawWorkflow, on one task queue.

    python bench/bench_worker.py --address 127.0.0.1:7233 --task-queue q --cache 1000 [--reminders FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

import common  # noqa: F401  (puts the repository on sys.path)
from jindu_adapter import DATA_CONVERTER, WORKFLOW, StubActivities
from raw_workflows import ParkedRawWorkflow, RawReminders
from temporalio.client import Client
from temporalio.worker import Worker


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--cache", type=int, default=1000, help="max_cached_workflows")
    parser.add_argument("--reminders", type=Path, help="append '<project> <unix time>' per recorded reminder")
    args = parser.parse_args()
    client = await Client.connect(args.address, data_converter=DATA_CONVERTER)
    stubs, raw = StubActivities(args.reminders), RawReminders(args.reminders)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=args.task_queue, workflows=[WORKFLOW, ParkedRawWorkflow],
                      activities=[*stubs.all(), raw.remind], max_cached_workflows=args.cache):
        print("worker ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
