"""Every project's rows against its Temporal history: contiguous seq, none lost, none doubled.

Written against what the workflow leaves in its history, not its code: v1 schedules a
`record_steps` activity whose input is JSON with a `steps` list of items with an integer
`seq`; v2 records with a `record` local activity whose marker's result names the steps it
recorded (`{"first": n, "last": m}`). Runs chained by continue-as-new are followed back to
the first, through each run's start event.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field

import asyncpg
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

RECORD_ACTIVITIES = frozenset({"record_steps", "record"})
# Rows a person's action writes; two equal ones (kind and data) would mean it was applied twice.
DECISION_KINDS = frozenset({
    "intake", "assessment", "plan_submitted", "decision", "weekly_report", "results_submitted",
    "accepted", "objection", "task_completed", "warning_analysed", "cancelled",
})  # fmt: skip
# Rows written outside the workflow (by the API after it finished): not in any history.
OUTSIDE_WORKFLOW_KINDS = frozenset({"customer_data_disposed"})


@dataclass
class ProjectLedger:
    project_id: str
    history_seqs: list[int]
    row_seqs: list[int]
    doubled_rows: list[tuple[str, str]] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = []
        history, rows = Counter(self.history_seqs), set(self.row_seqs)
        if twice := sorted(s for s, n in history.items() if n > 1):
            found.append(f"seq scheduled more than once in history: {twice}")
        if lost := sorted(set(history) - rows):
            found.append(f"in history, no row: {lost}")
        if extra := sorted(rows - set(history)):
            found.append(f"row, not in history: {extra}")
        if sorted(rows) != list(range(1, len(rows) + 1)):
            found.append(f"seqs not contiguous from 1: {sorted(rows)}")
        if self.doubled_rows:
            found.append(f"the same decision recorded twice: {self.doubled_rows}")
        return [f"{self.project_id}: {p}" for p in found]


def marker_seqs(marker) -> list[int]:  # type: ignore[no-untyped-def]
    """The steps a `record` local activity recorded, from its marker (empty for others)."""
    data, result = marker.details.get("data"), marker.details.get("result")
    if data is None or result is None or not data.payloads or not result.payloads:
        return []
    if json.loads(data.payloads[0].data).get("activity_type") not in RECORD_ACTIVITIES:
        return []
    raw = result.payloads[0].data
    done = json.loads(raw) if raw else None
    if not done or done.get("first") is None:
        return []
    return list(range(int(done["first"]), int(done["last"]) + 1))


async def history_seqs(client: Client, workflow_id: str) -> list[int]:
    """Every seq the workflow sent to be recorded, over all its runs."""
    seqs: list[int] = []
    run_id: str | None = None
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        for event in history.events:
            if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
                seqs += marker_seqs(event.marker_recorded_event_attributes)
            if event.event_type != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                continue
            attrs = event.activity_task_scheduled_event_attributes
            if attrs.activity_type.name not in RECORD_ACTIVITIES:
                continue
            for payload in attrs.input.payloads:
                body = json.loads(payload.data)
                seqs += [int(step["seq"]) for step in body["steps"]]
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return seqs
        run_id = started.continued_execution_run_id


async def project_ledger(client: Client, pool: asyncpg.Pool, project_id: str, workflow_id: str) -> ProjectLedger:
    rows = await pool.fetch("SELECT seq, kind, data::text AS data FROM events WHERE project_id = $1 "
                            "AND superseded_at IS NULL", project_id)
    rows = [r for r in rows if r["kind"] not in OUTSIDE_WORKFLOW_KINDS]
    decisions = Counter((r["kind"], r["data"]) for r in rows if r["kind"] in DECISION_KINDS)
    return ProjectLedger(
        project_id=project_id,
        history_seqs=await history_seqs(client, workflow_id),
        row_seqs=[r["seq"] for r in rows],
        doubled_rows=[key for key, n in decisions.items() if n > 1],
    )


async def recording_in_flight(client: Client, workflow_id: str) -> bool:
    """A workflow task not yet done (v2's local `record` runs inside one) or a v1 record activity pending."""
    raw = (await client.get_workflow_handle(workflow_id).describe()).raw_description
    if raw.HasField("pending_workflow_task"):
        return True
    return any(a.activity_type.name in RECORD_ACTIVITIES for a in raw.pending_activities)


async def wait_until_recorded(client: Client, workflow_ids: list[str], timeout: float = 120) -> None:
    """Until no project has a recording in flight (a retried activity may wait out its timeout)."""
    deadline = time.monotonic() + timeout
    busy = list(workflow_ids)
    while busy:
        flags = await asyncio.gather(*(recording_in_flight(client, w) for w in busy))
        busy = [w for w, f in zip(busy, flags, strict=True) if f]
        if busy and time.monotonic() > deadline:
            raise AssertionError(f"still recording after {timeout:.0f} s: {busy}")
        if busy:
            await asyncio.sleep(0.5)


async def ledger_problems(client: Client, pool: asyncpg.Pool, projects: dict[str, str]) -> list[str]:
    """`projects`: project id → workflow id. Empty when every project's rows match its history."""
    await wait_until_recorded(client, list(projects.values()))
    ledgers = await asyncio.gather(*(project_ledger(client, pool, p, w) for p, w in projects.items()))
    return [problem for ledger in ledgers for problem in ledger.problems()]
