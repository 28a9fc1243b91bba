"""DealWorkflow's side effect: recording its batches (the SQL is store/deal_records.py's),
idempotent by step key and fenced by run and workflow task."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from activities.project import record_with
from domain.service_models import ServiceBatch
from store import deal_records
from workflows.deal import DealRecording


class DealActivities(DealRecording):
    def __init__(self, pool: asyncpg.Pool, on_notices: object = None) -> None:
        self.pool, self.on_notices = pool, on_notices

    @activity.defn(name="record_deal")
    async def record_deal(self, batch: ServiceBatch) -> None:
        await record_with(self.pool, deal_records.write_deal_batch, batch, self.on_notices, deal_of=batch.subject_id)
