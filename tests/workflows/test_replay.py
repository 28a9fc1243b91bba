"""Committed histories of shipped ProjectWorkflow versions must still replay (STYLE §11)."""

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.project import ProjectWorkflow

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_histories_are_committed():
    assert {p.stem for p in HISTORIES} >= {"v1_full_lifecycle", "v1_declined"}


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path):
    history = WorkflowHistory.from_json(f"project-{path.stem}", path.read_text())
    replayer = Replayer(workflows=[ProjectWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)
