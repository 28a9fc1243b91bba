"""Temporal is the truth: find where the read model says otherwise and repair it (issue 13).

- The worker's sweep (every `JINDU_RECONCILE_SECONDS`, default 20 s) looks at the project
  workflows that closed without finishing their lifecycle (terminated, cancelled, failed or
  timed out in Temporal) and at runs started since the last sweep (an operator's reset): an
  ended project shows `terminated`, leaves every inbox, and its end is recorded with the reason;
  a reset re-syncs the read model from the new run and records a `reset` step.
- `jindu reconcile [--fix]` compares every open project's read model with Temporal, and
  finds the processes that ended in Temporal while their records say running
  (jindu/process_sweep.py).
- An intake whose workflow never started (Temporal could not be reached; the API answered
  503) leaves a claimed row at stage `intake`: after `CLAIM_GRACE_MINUTES` (store/reconcile.py)
  the sweep and `jindu reconcile --fix` release it, since no one was told it exists.
- One loop (`sweep_forever`) runs both sweeps in the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistoryEventFilterType
from temporalio.service import RPCError, RPCStatusCode

from domain.project import ProjectState
from store import reconcile as records

log = structlog.get_logger(__name__)
WORKFLOW = "ProjectWorkflow"
ENDED_IN_TEMPORAL = ("Terminated", "Canceled", "Failed", "TimedOut")
Status = WorkflowExecutionStatus


def _when(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Finding:
    project_id: str
    problems: list[str] = field(default_factory=list)
    fixed: bool = False

    def line(self) -> str:
        return f"{self.project_id}: {'; '.join(self.problems)}{' — fixed' if self.fixed else ''}"


class Reconciler:
    def __init__(self, client: Client, pool: asyncpg.Pool, task_queue: str | None = None) -> None:
        """`task_queue`: only the projects run on it (another deployment's are its own to repair)."""
        self.client, self.pool, self.task_queue = client, pool, task_queue
        self.scope = f"WorkflowType = '{WORKFLOW}'" + (f" AND TaskQueue = '{task_queue}'" if task_queue else "")

    async def project(self, pid: str, *, fix: bool) -> Finding | None:
        """Compare one project's read model with its workflow; repair it when `fix`."""
        rec = (await records.read_models(self.pool, [pid])).get(pid)
        handle = self.client.get_workflow_handle(f"project-{pid}")
        try:
            desc = await handle.describe()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                if rec is None:
                    return None
                if rec.stage == "intake":  # claimed, never started: no one was told it exists
                    found = Finding(pid, ["an intake claim whose workflow never started (never acknowledged)"])
                    found.fixed = fix and await records.release_claim(self.pool, pid)
                    return found
                return Finding(pid, ["no workflow in Temporal"])
            raise
        if rec is None or (self.task_queue and desc.task_queue != self.task_queue):
            return None
        found = Finding(pid)
        if desc.status in (Status.RUNNING, Status.COMPLETED):
            try:
                state = await self.client.get_workflow_handle(handle.id, run_id=desc.run_id).query(
                    "state", result_type=ProjectState, rpc_timeout=timedelta(seconds=20))  # fmt: skip
            except RPCError as err:
                return Finding(pid, [f"Temporal did not answer for the project ({err.message}); is a worker running?"])
            view = state.read_view()
            reset_from = rec.run_id if rec.run_id and rec.run_id != desc.run_id \
                and not await self._continued(handle.id, rec.run_id) else None  # fmt: skip
            found.problems = records.differs(rec, view, state.seq)
            if reset_from:
                found.problems.insert(0, f"run {reset_from} was reset to {desc.run_id}")
            if found.problems and fix:
                why = "; ".join(found.problems)[:1000]
                found.fixed = await records.resync(self.pool, pid, run_id=desc.run_id, view=view, seq=state.seq,
                                                   batches=state.batches, reset_from=reset_from, why=why)  # fmt: skip
        elif rec.stage != "terminated":
            status = desc.status.name.lower() if desc.status else "closed"
            reason = await self._close_reason(handle.id, desc.run_id) or status
            found.problems = [f"the workflow was {status} in Temporal ({reason}); the read model says {rec.stage}"]
            if fix:
                found.fixed = await records.mark_ended(self.pool, pid, run_id=desc.run_id, status=status,
                                                       reason=reason)  # fmt: skip
        return found if found.problems else None

    async def _continued(self, workflow_id: str, run_id: str) -> bool:
        """Whether `run_id` ended by continuing as new (its successor is not a reset)."""
        try:
            desc = await self.client.get_workflow_handle(workflow_id, run_id=run_id).describe()
        except RPCError:
            return False
        return desc.status == Status.CONTINUED_AS_NEW

    async def _close_reason(self, workflow_id: str, run_id: str) -> str:
        handle = self.client.get_workflow_handle(workflow_id, run_id=run_id)
        async for event in handle.fetch_history_events(event_filter_type=WorkflowHistoryEventFilterType.CLOSE_EVENT):
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
                a = event.workflow_execution_terminated_event_attributes
                return f"terminated by {a.identity or 'an operator'}: {a.reason or '(no reason given)'}"
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
                return "cancelled in Temporal"
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
                return f"failed: {event.workflow_execution_failed_event_attributes.failure.message}"
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
                return "timed out"
        return ""

    # ------------------------------------------------------------------ the worker's sweep

    async def sweep(self, since: datetime) -> list[Finding]:
        """Repair the projects whose workflow ended in Temporal, or was reset, since `since`."""
        statuses = ", ".join(f"'{s}'" for s in ENDED_IN_TEMPORAL)
        ids: set[str] = set()
        ended = f"{self.scope} AND CloseTime >= '{_when(since)}' AND ExecutionStatus IN ({statuses})"
        async for wf in self.client.list_workflows(ended):
            ids.add(wf.id.removeprefix("project-"))
        started = f"{self.scope} AND ExecutionStatus = 'Running' AND StartTime >= '{_when(since)}'"
        runs = {wf.id.removeprefix("project-"): wf.run_id async for wf in self.client.list_workflows(started)}
        for pid, rec in (await records.read_models(self.pool, list(runs))).items():
            if rec.run_id and rec.run_id != runs[pid]:
                ids.add(pid)
        ids.update(await records.stale_claims(self.pool))  # intakes Temporal never heard of
        found = []
        for pid in sorted(ids):
            if (finding := await self.project(pid, fix=True)) is not None:
                log.warning("read model repaired from Temporal", finding=finding.line())
                found.append(finding)
        return found

    # ------------------------------------------------------------------ jindu reconcile

    async def every_open_project(self, *, fix: bool, page: int = 500) -> tuple[int, list[Finding]]:
        """Check each project the read model holds open; (how many were checked, what differed)."""
        checked, found, after = 0, [], ""
        while batch := await records.open_projects(self.pool, after=after, limit=page):
            for rec in batch:
                checked += 1
                if (finding := await self.project(rec.id, fix=fix)) is not None:
                    found.append(finding)
            after = batch[-1].id
        return checked, found


Sweep = Callable[[datetime], Awaitable[object]]


async def sweep_forever(sweeps: Sequence[Sweep], stop: asyncio.Event, every: float) -> None:
    """Run each sweep every `every` seconds until `stop`; the first looks a day back (what
    happened while no worker ran), each later one overlaps the last a little (visibility lags)."""
    since = datetime.now(UTC) - timedelta(days=1)
    while not stop.is_set():
        started, failed = datetime.now(UTC), False
        for sweep in sweeps:
            try:
                await sweep(since - timedelta(seconds=every))
            except (RPCError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
                failed = True
                log.warning("sweep failed; retrying", sweep=getattr(sweep, "__qualname__", "?"), error=str(err))
        if not failed:
            since = started
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
