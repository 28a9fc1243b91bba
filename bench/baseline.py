"""The raw-SDK baseline: a workflow whose every update runs one activity that records it.

Its update takes the same command Jindu's does and passes it whole to its activity, so
the comparison measures what Jindu adds, not a difference in payloads.
"""

from datetime import timedelta
from typing import Any

from temporalio import activity, workflow


@activity.defn(name="baseline_record")
async def baseline_record(command: dict[str, Any]) -> None:
    return None


@workflow.defn
class BaselineWorkflow:
    def __init__(self) -> None:
        self.count = 0

    @workflow.run
    async def run(self, updates: int) -> int:
        await workflow.wait_condition(lambda: self.count >= updates and workflow.all_handlers_finished())
        return self.count

    @workflow.update
    async def step(self, command: dict[str, Any]) -> int:
        await workflow.execute_activity("baseline_record", command, start_to_close_timeout=timedelta(seconds=30))
        self.count += 1
        return self.count
