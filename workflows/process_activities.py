"""The activity ProcessWorkflow calls besides `setup` and `report_unrecordable`, as a typed
stub (workflow code imports no asyncpg): implemented by `activities.process.ProcessActivities`."""

from __future__ import annotations

from temporalio import activity

from domain.process_models import ProcessBatch


class ProcessRecording:
    @activity.defn(name="record_process")
    async def record_process(self, batch: ProcessBatch) -> None:
        """Write one batch of a process's steps, its read model's changes and notifications."""
        raise NotImplementedError
