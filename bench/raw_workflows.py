"""Raw-SDK counterparts of a parked project, for the capacity and timer-storm baselines.

A workflow that waits for a deadline (or an update), then runs one activity recording the
reminder, then waits again: the least a reminder-keeping workflow can do. In its own module
because the workflow sandbox re-imports it.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from temporalio import activity, workflow


class RawReminders:
    def __init__(self, reminders_file: Path | None = None) -> None:
        self.reminders_file = reminders_file

    @activity.defn(name="raw_remind")
    async def remind(self, project_id: str) -> None:
        if self.reminders_file is not None:
            with open(self.reminders_file, "a") as f:
                f.write(f"{project_id} {time.time()}\n")


@workflow.defn
class ParkedRawWorkflow:
    def __init__(self) -> None:
        self.touches = 0

    @workflow.run
    async def run(self, project_id: str, due_at: str | None) -> None:
        due = datetime.fromisoformat(due_at) if due_at else workflow.now() + timedelta(days=7)
        while True:
            seen = self.touches
            timeout = (due - workflow.now()).total_seconds()
            if timeout > 0:
                try:
                    await workflow.wait_condition(lambda seen=seen: self.touches != seen, timeout=timeout)
                    continue
                except TimeoutError:
                    pass
            await workflow.execute_activity("raw_remind", project_id, start_to_close_timeout=timedelta(seconds=30))
            due = due + timedelta(days=7)

    @workflow.update
    async def touch(self) -> int:
        self.touches += 1
        return self.touches
