"""Committed histories of the shipped ProcessWorkflow replay (STYLE §11): recorded by
make_process_histories.py. Each carries its template version and form in its input, so
replaying reads no template file: a later version of the template, or an edited file in
processes/, cannot change what a running instance decided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from jindu.temporal import data_converter
from workflows.process import ProcessWorkflow

HERE = Path(__file__).parent / "histories" / "process"
HISTORIES = sorted(p for p in HERE.glob("*.json") if not p.name.endswith(".steps.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def recorded(name: str) -> set[str]:
    return set(json.loads((HERE / f"{name}.steps.json").read_text()))


def test_the_corpus_covers_every_action_a_timeout_and_every_ending():
    assert {p.stem for p in HISTORIES} >= {"v1_expense_full", "v1_absence_incomplete", "v1_contract_rejected",
                                           "v1_commission_withdrawn"}  # fmt: skip
    kinds = set().union(*(recorded(p.stem) for p in HISTORIES))
    assert {"signer_added", "returned", "node_timed_out", "condition_evaluated", "transferred", "urged", "commented",
            "task_done", "node_decided", "process_ended"} <= kinds  # fmt: skip
    events = {EventType.Name(e.event_type) for e in load(HERE / "v1_expense_full.json").events}
    assert "EVENT_TYPE_TIMER_FIRED" in events


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path):
    replayer = Replayer(workflows=[ProcessWorkflow], data_converter=data_converter)
    await replayer.replay_workflow(load(path))
