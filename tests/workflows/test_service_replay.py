"""Committed histories of the shipped ComplaintWorkflow and RevisitWorkflow replay (STYLE §11);
recorded by make_histories.py (tests/workflows/service_histories.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from jindu.temporal import data_converter
from workflows.complaint import ComplaintWorkflow
from workflows.revisit import RevisitWorkflow

HERE = Path(__file__).parent / "histories" / "service"
HISTORIES = sorted(p for p in HERE.glob("*.json") if not p.name.endswith(".steps.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def recorded(name: str) -> set[str]:
    return set(json.loads((HERE / f"{name}.steps.json").read_text()))


def patches(path: Path) -> set[str]:
    """The `workflow.patched` ids its history recorded."""
    found = set()
    for e in load(path).events:
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            for p in e.marker_recorded_event_attributes.details.get("patch-data", Payloads()).payloads:
                found.add(json.loads(p.data)["id"])
    return found


def test_the_corpus_covers_rounds_deadlines_and_the_revisit():
    assert {p.stem for p in HISTORIES} >= {"v1_complaint_rounds", "v1_complaint_deadlines", "v1_revisit_missed",
                                           "v2_revisit_customer_service"}  # fmt: skip
    assert {"tasks_opened", "reopened", "rating_sent", "closed"} <= recorded("v1_complaint_rounds")
    assert {"reminder", "escalation", "satisfaction_warning"} <= recorded("v1_complaint_deadlines")
    assert {"revisit_opened", "reminder", "escalation", "revisit_done", "satisfaction_warning"} <= recorded(
        "v1_revisit_missed")
    events = {EventType.Name(e.event_type) for e in load(HERE / "v1_revisit_missed.json").events}
    assert "EVENT_TYPE_TIMER_FIRED" in events
    # Issue 14: a revisit for customer service (policy revisit.assignee), late and recorded by them.
    assert {"revisit_opened", "reminder", "escalation", "revisit_done", "rated"} <= recorded(
        "v2_revisit_customer_service")
    assert "revisit-customer-service" in patches(HERE / "v2_revisit_customer_service.json")
    assert "revisit-customer-service" not in patches(HERE / "v1_revisit_missed.json")
    rounds = {EventType.Name(e.event_type) for e in load(HERE / "v1_complaint_rounds.json").events}
    assert "EVENT_TYPE_ACTIVITY_TASK_COMPLETED" in rounds  # call_project, to the running project


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path):
    replayer = Replayer(workflows=[ComplaintWorkflow, RevisitWorkflow], data_converter=data_converter)
    await replayer.replay_workflow(load(path))
