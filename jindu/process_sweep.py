"""The worker's sweep for processes (issue 15, like jindu/reconcile.py's for projects): an
instance terminated, cancelled, failed or timed out in Temporal (an operator's tool) is marked
`terminated` in PostgreSQL, leaves every inbox, and its end is recorded as a step with the
run that ended — so no dead instance waits on anyone."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.service import RPCError

from jindu.reconcile import ENDED_IN_TEMPORAL, _when

log = structlog.get_logger(__name__)

END = """
WITH ended AS (
    UPDATE processes SET status = 'terminated', node_id = NULL, due_at = NULL, overdue = false, ended_at = now(),
                         seq = seq + 1
    WHERE id = $1 AND status = 'running' RETURNING id, seq)
INSERT INTO process_events (step_key, process_id, seq, kind, at, actor_role, comment, data)
SELECT 'process:' || id || ':terminated:' || $2, id, seq, 'process_ended', now(), 'operations', $3,
       jsonb_build_object('status', 'terminated', 'run_id', $2::text)
FROM ended ON CONFLICT (step_key) DO NOTHING RETURNING process_id
"""


class ProcessSweep:
    def __init__(self, client: Client, pool: asyncpg.Pool, task_queue: str | None = None) -> None:
        self.client, self.pool = client, pool
        self.scope = "WorkflowType = 'ProcessWorkflow'" + (f" AND TaskQueue = '{task_queue}'" if task_queue else "")

    async def sweep(self, since: datetime) -> list[str]:
        """Mark the instances that ended in Temporal since `since`; the ids it marked."""
        statuses = ", ".join(f"'{s}'" for s in ENDED_IN_TEMPORAL)
        query = f"{self.scope} AND CloseTime >= '{_when(since)}' AND ExecutionStatus IN ({statuses})"
        marked = []
        async for wf in self.client.list_workflows(query):
            pid = wf.id.removeprefix("process-")
            async with self.pool.acquire() as conn, conn.transaction():
                if await conn.fetchval(END, pid, wf.run_id, f"ended in Temporal: {wf.status.name.lower()}"):
                    await conn.execute("DELETE FROM process_inbox WHERE process_id = $1", pid)
                    marked.append(pid)
        if marked:
            log.warning("processes ended in Temporal marked terminated", processes=marked)
        return marked

    async def run(self, stop: asyncio.Event, every: float) -> None:
        since = datetime.now(UTC) - timedelta(days=1)
        while not stop.is_set():
            started = datetime.now(UTC)
            try:
                await self.sweep(since - timedelta(seconds=every))
                since = started
            except (RPCError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
                log.warning("process sweep failed; retrying", error=str(err))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
