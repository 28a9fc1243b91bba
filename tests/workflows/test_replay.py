"""Committed histories of shipped ProjectWorkflow versions must still replay (STYLE §11),
whatever the installed holiday data says."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import chinese_calendar
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

import jindu.holidays
from jindu.temporal import data_converter as pydantic_data_converter
from tests.history import payload_bytes
from workflows.project import ProjectWorkflow
from workflows.runner import WORKFLOW_RUNNER

HERE = Path(__file__).parent / "histories"
HISTORIES = sorted(p for p in HERE.glob("*.json") if not p.name.endswith(".steps.json"))


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"project-{path.stem}", path.read_text())


async def replay(history: WorkflowHistory) -> None:
    replayer = Replayer(workflows=[ProjectWorkflow], data_converter=pydantic_data_converter,
                        workflow_runner=WORKFLOW_RUNNER)  # as the worker runs it (worker.py)
    await replayer.replay_workflow(history)


def kinds(history: WorkflowHistory) -> set[str]:
    return {EventType.Name(e.event_type) for e in history.events}


def recorded(name: str) -> set[str]:
    return set(json.loads((HERE / f"{name}.steps.json").read_text()))


def test_the_corpus_covers_real_life():
    names = {p.stem for p in HISTORIES}
    assert {"v2_full_lifecycle", "v2_declined", "v2_deadlines", "v2_continue_as_new_run1",
            "v2_continue_as_new_run2"} <= names  # fmt: skip
    assert not any(n.startswith("v1_") for n in names)  # pre-release v1 was never deployed (README)
    assert {"reminder", "escalation", "weekly_report_missed", "warning_raised", "warning_analysed",
            "warning_cleared", "calendar_published"} <= recorded("v2_deadlines")  # fmt: skip
    assert "EVENT_TYPE_TIMER_FIRED" in kinds(load(HERE / "v2_deadlines.json"))
    assert "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW" in kinds(load(HERE / "v2_continue_as_new_run1.json"))
    lifecycle = recorded("v2_full_lifecycle")
    assert {"reassigned", "deadline_extended", "task_completed", "objection", "archived", "risk_added",
            "risk_occurred", "complaint_tasks", "rated"} <= lifecycle
    text = (HERE / "v2_full_lifecycle.json").read_text()
    assert text.count("submit_results") >= 3  # three rounds of results: two rectifications
    # v3: a completed project starts its revisit (behind the patch v2 histories replay without)
    assert {"v3_full_lifecycle", "v3_deadlines", "v3_continue_as_new_run2", "v3_declined"} <= names
    for name in ("v3_full_lifecycle", "v3_deadlines"):
        assert "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED" in kinds(load(HERE / f"{name}.json"))
    assert "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED" not in kinds(load(HERE / "v3_declined.json"))
    assert b"revisit-after-completion" in payload_bytes(load(HERE / "v3_full_lifecycle.json"))  # the patch marker
    # v4: a finished project closes the risks still open (v3 histories replay without the patch)
    assert {"v4_full_lifecycle", "v4_deadlines", "v4_continue_as_new_run2", "v4_declined"} <= names
    assert b"risks-settled-at-end" in payload_bytes(load(HERE / "v4_full_lifecycle.json"))
    assert b"risks-settled-at-end" not in payload_bytes(load(HERE / "v3_full_lifecycle.json"))
    assert "risk_closed" in recorded("v4_full_lifecycle") and "risk_closed" not in recorded("v3_full_lifecycle")
    # v5: costs 成本 are steps (record_cost); the one past the budget raises a warning, analysed and cleared
    assert {"v5_full_lifecycle", "v5_deadlines", "v5_continue_as_new_run2", "v5_declined"} <= names
    assert {"cost_recorded", "warning_raised", "warning_analysed", "warning_cleared"} <= recorded("v5_full_lifecycle")
    assert (HERE / "v5_full_lifecycle.json").read_text().count("\"record_cost\"") >= 2  # its updates


def test_every_history_in_the_corpus_is_replayed():
    """The parametrised test below replays every file of the corpus, none left out."""
    assert {p.name for p in HERE.glob("*.json")} - {p.name for p in HISTORIES} == {
        p.name for p in HERE.glob("*.steps.json")}
    assert len(HISTORIES) == 20  # v2–v5: full lifecycle, declined, deadlines, continue-as-new in two runs


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path):
    await replay(load(path))


async def test_a_changed_holiday_table_cannot_change_a_running_projects_past(monkeypatch):
    """v2 projects carry their dates: publishing a holiday on every day of the year, in the
    package and in the extra file alike, does not change how their fired deadlines replay."""
    everything_off = jindu.holidays.PackageDays(holidays=[date.fromordinal(o) for o in range(
        date(2026, 1, 1).toordinal(), date(2029, 1, 1).toordinal())])  # fmt: skip
    monkeypatch.setattr(jindu.holidays, "PACKAGE_DAYS", everything_off)
    monkeypatch.setattr(chinese_calendar, "is_workday", lambda d: False)
    history = load(HERE / "v2_deadlines.json")
    assert "EVENT_TYPE_TIMER_FIRED" in kinds(history)
    await replay(history)
