"""ProjectWorkflow v1, frozen as shipped.

Projects started before the v2 lifecycle (their start input has no `version`) keep running
this code, so their histories replay and they finish as they began. ProjectWorkflow
(workflows/project.py) recognises such a run by its input and delegates to `ProjectV1`:
its update handlers and its `state` query are registered at run time.

The branch is decided by the input, which is part of the history, like a
`workflow.patched` marker would be; unlike a marker it also holds when a v1 run continues
as new. Do not change these modules: every change must replay the v1 histories in
tests/workflows/histories/ (v1_*.json).
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

from workflows.v1.clock import ClockV1
from workflows.v1.core import CoreV1
from workflows.v1.handlers import HandlersV1
from workflows.v1.transitions import TransitionsV1

UPDATES = (
    ("sync", None),
    ("assess", "_check_assess"),
    ("submit_plan", "_check_plan"),
    ("decide", "_check_decide"),
    ("report", "_check_report"),
    ("submit_results", "_check_results"),
    ("answer_acceptance", "_check_acceptance"),
    ("complete_task", "_check_complete_task"),
    ("analyse_warning", "_check_analyse_warning"),
    ("cancel", "_check_cancel"),
)


class ProjectV1(HandlersV1, TransitionsV1, ClockV1, CoreV1):
    def register(self) -> None:
        """Install v1's update handlers and query in place of v2's."""
        for name, validator in UPDATES:
            check: Any = getattr(self, validator) if validator else None
            workflow.set_update_handler(name, getattr(self, name), validator=check)
        workflow.set_query_handler("state", self.state)
