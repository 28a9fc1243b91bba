"""How the worker runs Jindu's workflows: without Temporal's sandbox (issues 13, 16).

The sandbox re-imports a workflow's module for every new workflow instance and enters
itself around every activation and every payload's serialisation context. It guards
only code it imports itself: modules passed through it run with the real standard
library. Every module holding Jindu's workflow logic already was (workflows/base.py,
engine.py, service_engine.py, updates.py and the pure rules in domain/, imported under
`workflow.unsafe.imports_passed_through()`); what the sandbox still imported per instance
was each workflow's own module: its class, whose handlers delegate to those engines and
rules (CustomerWorkflow's and ProcessWorkflow's a line or two each, reading no clock, no
randomness, no I/O). So it guarded next to nothing of ours, and cost
the worker about a fifth of its CPU per action (bench/RESULTS.md §1: 18.5–19.5 s → 15.6 s
of worker CPU for 2,000 actions; re-running `@workflow.defn` over ProjectWorkflow's
seventeen updates for each new project was the largest part).

Determinism stays what it was: workflow code reads time, randomness and ids only through
`workflow.*` (STYLE.md), shipped histories must replay (tests/workflows/test_replay.py
replays them with this runner), and the workflow tests' own workers (tests/workflows/
harness.py) still run the same classes inside the default sandbox.
"""

from __future__ import annotations

from temporalio.worker import UnsandboxedWorkflowRunner

WORKFLOW_RUNNER = UnsandboxedWorkflowRunner()
