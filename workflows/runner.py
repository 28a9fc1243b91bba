"""The sandbox every Jindu workflow runs in, with the `workflows` package passed through.

By default Temporal's sandbox imports a workflow's module again for every new workflow
instance; for ProjectWorkflow that re-ran `@workflow.defn` over the engine's seventeen
updates (a signature check of each, ~25% of the worker's Python CPU while projects were
being started, bench/RESULTS.md §1). Everything those modules hold is already passed
through (workflows/base.py, engine.py, updates.py and the pure domain/ rules): no module
state, deterministic code only, so the sandbox guards nothing more by re-importing them.
The sandbox itself stays: each instance still runs with its restricted builtins and
modules (`datetime.now`, `random`, I/O...) for anything imported outside these packages.
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows")
)
