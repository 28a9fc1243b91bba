"""Runs ProcessWorkflow on a real Temporal server with stand-ins for its activities (setup,
record_process, report_unrecordable) that collect what it recorded and sent."""

from __future__ import annotations

import hashlib
import json
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.commands import Command
from domain.models import Actor, Role
from domain.policy import ProjectPolicy
from domain.process_models import ProcessActionIn, ProcessBatch, ProcessCommand, ProcessStart, ProcessState
from domain.process_template import ProcessTemplate, parse
from domain.steps import Notice, Step
from jindu.holidays import official_dates
from workflows import search_attributes as sa
from workflows.activities import Setup, SetupIn, Unrecordable
from workflows.process import ProcessWorkflow

SHIPPED = Path(__file__).parents[2] / "processes"
KIND = TypedSearchAttributes([SearchAttributePair(sa.KIND, "process")])


def shipped(key: str, version: int = 1) -> ProcessTemplate:
    return parse({**json.loads((SHIPPED / f"{key}.json").read_text("utf-8")), "version": version})


def person(name: str, role: Role, department: str | None = None) -> Actor:
    return Actor(user_id="u-" + hashlib.sha256(name.encode()).hexdigest()[:8], name=name, role=role,
                 department=department)  # fmt: skip


@dataclass
class ProcessRecorder:
    steps: list[tuple[str, datetime, Step]] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)
    versions: set[tuple[str, int]] = field(default_factory=set)
    policy: ProjectPolicy = field(default_factory=ProjectPolicy)

    @activity.defn(name="setup")
    async def setup(self, req: SetupIn) -> Setup:
        dates = official_dates(req.created_at.year)
        return Setup(policy=self.policy.model_dump_json(), calendar=dates.model_dump_json())

    @activity.defn(name="record_process")
    async def record_process(self, batch: ProcessBatch) -> None:
        if (batch.process_id, batch.version) in self.versions:
            return  # a retry
        self.versions.add((batch.process_id, batch.version))
        self.steps += [(batch.process_id, batch.at, s) for s in batch.steps]
        self.notes += batch.notices

    @activity.defn(name="report_unrecordable")
    async def report_unrecordable(self, failure: Unrecordable) -> None:
        raise AssertionError(failure)

    def kinds(self, pid: str) -> list[str]:
        return [s.kind for p, _, s in self.steps if p == pid]

    def of(self, pid: str, kind: str) -> list[tuple[datetime, Step]]:
        return [(at, s) for p, at, s in self.steps if p == pid and s.kind == kind]


class ProcessHarness:
    def __init__(self, env: WorkflowEnvironment, task_queue: str, rec: ProcessRecorder) -> None:
        self.env, self.client, self.task_queue, self.rec = env, env.client, task_queue, rec
        self.handles: list[WorkflowHandle[Any, Any]] = []

    async def start(self, template: ProcessTemplate, form: dict[str, Any], applicant: Actor,
                    people: dict[str, Actor] | None = None, *, policy: ProjectPolicy | None = None,
                    process_id: str | None = None) -> WorkflowHandle[Any, Any]:  # fmt: skip
        pid = process_id or f"pr-{uuid.uuid4().hex[:10]}"
        now = await self.env.get_current_time()
        start = ProcessStart(process_id=pid, template=template, form=form, applicant=applicant, people=people or {},
                             started_at=now, policy=policy, calendar=official_dates(now.year) if policy else None)
        handle = await self.client.start_workflow(ProcessWorkflow.run, start, id=f"process-{pid}",
                                                  task_queue=self.task_queue, search_attributes=KIND)  # fmt: skip
        self.handles.append(handle)
        await handle.execute_update(ProcessWorkflow.sync, Command(actor=applicant))
        return handle

    async def act(self, handle: WorkflowHandle[Any, Any], who: Actor, action: str, person: Actor | None = None,
                  **body: Any) -> ProcessState:  # fmt: skip
        cmd = ProcessCommand(actor=who, body=ProcessActionIn(action=action, **body), person=person)  # type: ignore[arg-type]
        await handle.execute_update(ProcessWorkflow.act, cmd)
        return await handle.query(ProcessWorkflow.state)

    async def close(self) -> None:
        for handle in self.handles:
            try:
                await handle.terminate("test finished")
            except RPCError as err:
                if err.status != RPCStatusCode.NOT_FOUND:
                    raise


@asynccontextmanager
async def process_harness(env: WorkflowEnvironment, recorder: ProcessRecorder | None = None):  # type: ignore[no-untyped-def]
    rec = recorder or ProcessRecorder()
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    async with Worker(env.client, task_queue=task_queue, workflows=[ProcessWorkflow],
                      activities=[rec.setup, rec.record_process, rec.report_unrecordable]):  # fmt: skip
        h = ProcessHarness(env, task_queue, rec)
        try:
            yield h
        finally:
            await h.close()
