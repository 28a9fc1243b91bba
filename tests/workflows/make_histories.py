"""Record replay histories of the shipped ProjectWorkflow (run by hand, commit the output).

    make histories        # or: .venv/bin/python -m tests.workflows.make_histories

Run it when a new workflow version ships: the committed histories then prove, in
test_replay.py, that later code still replays what running projects recorded. Never
overwrite a shipped version's files: they are named `v<N>_<scenario>.json` (VERSION).

Complaint and revisit histories go to `histories/service/` (tests/workflows/service_histories.py).

The scenarios cover real life: every gate, several rectification rounds, operator actions,
a fired deadline with its reminder and escalations, missed weekly reports, a progress
warning raised, analysed and cleared, a calendar update, and a continue-as-new.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.calendar import YearDates, calendar_for
from domain.commands import MeasureIn, PublishCalendarCommand, WarningAnalysisCommand, WarningAnalysisIn
from domain.costs import CostCommand, CostIn
from domain.models import CauseCategory, Level
from domain.operator_commands import ExtendDeadlineCommand, ExtendDeadlineIn, ReassignCommand, ReassignIn
from domain.policy import ProjectPolicy
from domain.risk_commands import AddRiskCommand, RiskIn, RiskPatchIn, UpdateRiskCommand
from domain.service import ComplaintTasksCommand, RateCommand
from jindu.temporal import data_converter as pydantic_data_converter
from jindu.temporal import temporal_cli_path, test_server_path
from tests.fixtures_temporal import _add_request
from tests.workflows.harness import Harness, actor, harness
from workflows import search_attributes
from workflows.project import ProjectWorkflow

HERE = Path(__file__).parent / "histories"
# 3: a completed project starts its revisit (patch revisit-after-completion)
# 4: a finished project closes the risks still open (patch risks-settled-at-end)
# 5: costs 成本 as steps (the record_cost update); one past the budget raises a warning
VERSION = 5


async def save(name: str, h: Harness, *handles: WorkflowHandle[Any, Any]) -> None:
    """One file per run (a continue-as-new makes several), and beside them the kinds of the
    steps the runs recorded: local activities keep the steps themselves out of the history."""
    paths = [HERE / f"v{VERSION}_{name}{'' if len(handles) == 1 else f'_run{i + 1}'}.json" for i in range(len(handles))]
    if any(p.exists() for p in paths):  # a shipped version's histories are never overwritten: bump VERSION
        print(f"kept v{VERSION}_{name} (VERSION {VERSION} is recorded already)")
        return
    for handle, path in zip(handles, paths, strict=True):
        history = await handle.fetch_history()
        path.write_text(history.to_json())
        print(f"wrote {path} ({len(history.events)} events)")
    project_id = handles[0].id.removeprefix("project-")
    (HERE / f"v{VERSION}_{name}.steps.json").write_text(json.dumps(sorted(set(h.rec.kinds(project_id)))) + "\n")


async def full_lifecycle(h: Harness) -> None:
    """Every gate, two rectification rounds, and the operator actions."""
    handle = await h.start()
    await h.assess(handle, risk=Level.high)
    await h.decide(handle, "initiation")
    await h.update(handle, ProjectWorkflow.decide, _on_behalf(h))
    today = h_today()
    await h.plan(handle, [("viewing", today + timedelta(days=7)), ("contract", today + timedelta(days=20))])
    deputy = actor(h.head.role, name="deputy-head")
    await h.update(handle, ProjectWorkflow.reassign, ReassignCommand(
        actor=h.operations, body=ReassignIn(target="pending", to="deputy-head", reason="on leave"), to=deputy))
    await h.update(handle, ProjectWorkflow.extend_deadline, ExtendDeadlineCommand(
        actor=h.operations, body=ExtendDeadlineIn(target="pending", working_days=2, reason="trip")))
    await h.decide(handle, "plan", by=deputy)
    await h.report(handle, milestones=["viewing"])
    await costs_past_the_budget(h, handle)
    risk = RiskIn(category="credit", description="loan refused", likelihood="high", impact="high",
                  response="reduce", owner=h.agent.name or "", review_on=h_today() + timedelta(days=5))
    await h.update(handle, ProjectWorkflow.add_risk, AddRiskCommand(actor=h.agent, body=risk, owner=h.agent))
    pid = handle.id.removeprefix("project-")
    await h.update(handle, ProjectWorkflow.update_risk, UpdateRiskCommand(
        actor=h.head, risk_id=f"{pid}-r1", body=RiskPatchIn(status="occurred", loss_amount=5000)))
    lasting = risk.model_copy(update={"description": "handover may slip", "likelihood": "low"})
    await h.update(handle, ProjectWorkflow.add_risk, AddRiskCommand(actor=h.agent, body=lasting, owner=h.agent))
    await h.update(handle, ProjectWorkflow.complaint_tasks, ComplaintTasksCommand(
        actor=h.head, complaint_id="c-1", descriptions=["call the customer back"]))
    await h.update(handle, ProjectWorkflow.rate, RateCommand(actor=h.customer, source="complaint",
                                                             source_id="c-1", rating=4))
    await h.results(handle)
    state = await h.decide(handle, "result_review", "reject", comment="redo the contract")
    for task in state.rectification.tasks:
        await h.complete(handle, task.id)
    await h.results(handle, milestones=["contract"])
    await h.decide(handle, "result_review")
    state = await h.object(handle, "price", "date")
    for task in state.rectification.tasks:
        await h.complete(handle, task.id)
    await h.results(handle)
    await h.accept(handle, rating=4)
    await handle.result()
    await save("full_lifecycle", h, handle)


async def costs_past_the_budget(h: Harness, handle: WorkflowHandle[Any, Any]) -> None:
    """Two costs against the 10,000 budget, the second past it: a warning the head analyses."""
    for by, amount in ((h.agent, "6000"), (h.head, "4000.01")):
        body = CostIn(amount=Decimal(amount), description="valuation fee", spent_on=h_today())
        await h.update(handle, ProjectWorkflow.record_cost, CostCommand(actor=by, body=body))
    analysis = WarningAnalysisIn(cause=CauseCategory.resources, analysis="the valuation cost more",
                                 measures=[MeasureIn(description="renegotiate the fee", owner=h.agent.name or "",
                                                     deadline_working_days=2)])  # fmt: skip
    state = await h.update(handle, ProjectWorkflow.analyse_warning, WarningAnalysisCommand(
        actor=h.head, body=analysis, owners={h.agent.name or "": h.agent}))
    await h.complete(handle, state.warning.task_ids[0])


def _on_behalf(h: Harness):  # type: ignore[no-untyped-def]
    from domain.commands import DecideCommand, DecisionIn

    return DecideCommand(actor=h.operations, body=DecisionIn(gate="initiation", decision="approve"),
                         on_behalf_of=h.executive)  # fmt: skip


def h_today():  # type: ignore[no-untyped-def]
    from datetime import date

    return date.today()


async def declined(h: Harness) -> None:
    handle = await h.start()
    await h.assess(handle, in_scope=False)
    await handle.result()
    await save("declined", h, handle)


async def deadlines(env: WorkflowEnvironment, h: Harness) -> None:
    """A fired deadline, missed weekly reports, a warning raised, analysed and cleared, and a
    calendar update, over weeks of skipped time."""
    handle = await h.start()
    await env.sleep(timedelta(days=8))  # the assessment: reminded, then escalated twice
    await h.assess(handle, cycle=20)
    await h.decide(handle, "initiation")
    state = await h.state(handle)
    cal = calendar_for(ProjectPolicy().calendar, state.calendar)
    today = cal.local_date(await env.get_current_time())
    next_year = today.year + 1
    await h.update(handle, ProjectWorkflow.publish_calendar, PublishCalendarCommand(
        actor=h.operations, year=next_year, dates=YearDates(holidays=[today.replace(year=next_year, month=1, day=1)])))
    await h.plan(handle, [("survey", today + timedelta(days=5)), ("handover", today + timedelta(days=18))])
    await h.decide(handle, "plan")
    await h.report(handle, milestones=["survey"])
    await env.sleep(timedelta(days=28))  # reports missed; the handover slips: a warning
    body = WarningAnalysisIn(cause=CauseCategory.resources, analysis="overloaded", revised_expected_cycle_days=90,
                             measures=[MeasureIn(description="hand over", owner=h.agent.name or "",
                                                 deadline_working_days=2)])  # fmt: skip
    state = await h.update(handle, ProjectWorkflow.analyse_warning, WarningAnalysisCommand(
        actor=h.head, body=body, owners={h.agent.name or "": h.agent}))
    await env.sleep(timedelta(days=6))  # the measure escalates
    await h.report(handle, milestones=["handover"])
    await h.complete(handle, state.warning.task_ids[0])  # the warning clears
    await h.results(handle)
    await h.decide(handle, "result_review")
    await h.accept(handle, rating=5)
    await handle.result()
    await save("deadlines", h, handle)


async def continue_as_new(env: WorkflowEnvironment, h: Harness) -> None:
    handle = await h.start()
    await h.to_execution(handle, [("m1", h_today() + timedelta(days=30))])
    for week in range(10):
        await h.report(handle, progress=f"week {week}")
    await h.results(handle, milestones=["m1"])
    await h.decide(handle, "result_review")
    await h.accept(handle, rating=5)
    runs = [wf async for wf in env.client.list_workflows(f"WorkflowId = '{handle.id}'")]
    handles = [
        env.client.get_workflow_handle(handle.id, run_id=r.run_id) for r in sorted(runs, key=lambda r: r.start_time)
    ]
    await save("continue_as_new", h, *handles)


async def main() -> None:
    from tests.workflows import service_histories as service

    HERE.mkdir(exist_ok=True)
    local = {"dev_server_existing_path": str(temporal_cli_path()), "search_attributes": search_attributes.ALL,
             "data_converter": pydantic_data_converter}  # fmt: skip
    async with await WorkflowEnvironment.start_local(**local) as env, harness(env) as h:
        await full_lifecycle(h)
        await declined(h)
        await service.complaint_rounds(h)
    small = ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=60"]
    async with await WorkflowEnvironment.start_local(**local, dev_server_extra_args=small) as env, harness(env) as h:
        await continue_as_new(env, h)
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server_path()), data_converter=pydantic_data_converter
    ) as env:
        await env.client.operator_service.add_search_attributes(_add_request(env.client, search_attributes.ALL))
        async with harness(env) as h:
            await deadlines(env, h)
        async with harness(env) as h:
            await service.complaint_deadlines(env, h)
            await service.revisit_missed(env, h)


if __name__ == "__main__":
    asyncio.run(main())
    # The SDK's Rust threads can abort the interpreter's finalisation after everything is
    # written (PyGILState_Release); the files are complete, so end here.
    sys.stdout.flush()
    os._exit(0)
