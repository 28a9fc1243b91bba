"""The raw-SDK baseline: N updates, each persisted by one activity, then done."""

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn(name="baseline_record")
async def baseline_record(step: dict) -> None:
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
    async def step(self, body: dict) -> int:
        self.count += 1
        await workflow.execute_activity("baseline_record", body, start_to_close_timeout=timedelta(seconds=30))
        return self.count
