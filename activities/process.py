"""ProcessWorkflow's side effect: recording its steps (the SQL is store/process_records.py's),
idempotent by step key like every other record activity."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from activities.project import record_with
from domain.process_models import ProcessBatch
from store import process_records
from workflows.process_activities import ProcessRecording


class ProcessActivities(ProcessRecording):
    def __init__(self, pool: asyncpg.Pool, on_notices: object = None) -> None:
        self.pool, self.on_notices = pool, on_notices

    @activity.defn(name="record_process")
    async def record_process(self, batch: ProcessBatch) -> None:
        await record_with(self.pool, process_records.write_batch, batch, self.on_notices, process_id=batch.process_id)
