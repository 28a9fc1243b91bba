"""The sweep for processes (issue 15, beside jindu/reconcile.py's for projects; the worker runs
both in one loop, `sweep_forever`): an instance terminated, cancelled, failed or timed out in
Temporal (an operator's tool) is marked `terminated` in PostgreSQL, leaves every inbox, and
its end is recorded as a step with the run that ended — so no dead instance waits on anyone.
`jindu reconcile` runs it over all time, and only reports unless given --fix."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import structlog
from temporalio.client import Client

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

    async def sweep(self, since: datetime, *, fix: bool = True) -> list[str]:
        """The instances that ended in Temporal since `since` while their records say running;
        marked terminated when `fix` (each once)."""
        statuses = ", ".join(f"'{s}'" for s in ENDED_IN_TEMPORAL)
        query = f"{self.scope} AND CloseTime >= '{_when(since)}' AND ExecutionStatus IN ({statuses})"
        found = []
        async for wf in self.client.list_workflows(query):
            pid = wf.id.removeprefix("process-")
            if not fix:
                if await self.pool.fetchval("SELECT status = 'running' FROM processes WHERE id = $1", pid):
                    found.append(pid)
                continue
            async with self.pool.acquire() as conn, conn.transaction():
                if await conn.fetchval(END, pid, wf.run_id, f"ended in Temporal: {wf.status.name.lower()}"):
                    await conn.execute("DELETE FROM process_inbox WHERE process_id = $1", pid)
                    found.append(pid)
        if found and fix:
            log.warning("processes ended in Temporal marked terminated", processes=found)
        return found
