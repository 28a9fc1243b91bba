"""ProjectWorkflow's engine: records each outcome, adopts its state, sleeps until the next
thing falls due and publishes the project to the Web UI (workflows/project.py); what every
workflow does that way is workflows/base.py's.

Passed through the sandbox: shared by every cached project instead of imported again for
each one; it holds no module state, and the rules it calls are deterministic.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from domain import clock, lifecycle, risks
from domain.models import TERMINAL_STAGES, Stage
from domain.project import ProjectState
from domain.service_models import RevisitStart
from domain.steps import Ack, ArchiveIn, BaseOutcome, RecordBatch
from workflows import publish
from workflows import search_attributes as sa
from workflows.activities import ProjectRecording
from workflows.base import RECORD
from workflows.updates import ProjectUpdates

ARCHIVE: Any = {**RECORD, "start_to_close_timeout": timedelta(minutes=2)}
REVISIT_PATCH = "revisit-after-completion"
RISKS_SETTLED_PATCH = "risks-settled-at-end"  # open risks are closed when the project ends
REVISIT_WORKFLOW = "RevisitWorkflow"  # workflows/revisit.py, started by name: no import cycle


class ProjectEngine(ProjectUpdates):
    subject_type = ProjectState

    def setup(self, start: Any) -> None:
        self.start = start
        self.init_engine(start.created_at, ready=start.carried is not None)
        if self.start.carried is not None:
            self.project = self.start.carried

    @property
    def project(self) -> ProjectState:
        return self.subject

    @project.setter
    def project(self, state: ProjectState) -> None:
        self.subject = state

    # ------------------------------------------------------------------ the run

    async def run_project(self) -> Ack:
        await self._begin(lambda: lifecycle.intake(self.start, self.ctx()))
        await self._run_until_finished()
        if self.project.risks and workflow.patched(RISKS_SETTLED_PATCH):
            async with self.lock:
                await self._record(risks.settle_at_end(self.project, self.ctx()))
        return self._ack()

    def _finished(self) -> bool:
        return self.project.stage in TERMINAL_STAGES

    def _next_due(self) -> Any:
        return clock.next_due(self.project, self.ctx())

    def _tick(self) -> BaseOutcome[ProjectState]:
        return clock.tick(self.project, self.ctx())

    def _may_continue_as_new(self) -> bool:
        return not self._archiving()

    def _carry(self) -> Any:
        return self.start.model_copy(update={"carried": self.project})

    async def _before_sleep(self) -> bool:
        if self.project.stage != Stage.archiving:
            return False
        await self._archive()
        return True

    def _archiving(self) -> bool:
        return self.project.stage == Stage.archiving

    async def _archive(self) -> None:
        async with self.lock:
            await self._record(lifecycle.begin_archive(self.project, self.ctx()))
            bundle = await workflow.execute_activity_method(
                ProjectRecording.archive, ArchiveIn(project_id=self.project.project_id, seq=self.project.seq), **ARCHIVE
            )
            await self._record(lifecycle.archived(self.project, bundle, self.ctx()))
            if workflow.patched(REVISIT_PATCH):
                await self._start_revisit()

    async def _start_revisit(self) -> None:
        """回访: a completed project hands its revisit to a workflow of its own, which outlives it."""
        p = self.project
        assert p.completed_at is not None
        start = RevisitStart(project_id=p.project_id, department=p.department, agent=p.agent,
                             customer_user_id=p.customer_user_id, completed_at=p.completed_at)  # fmt: skip
        try:
            await workflow.start_child_workflow(
                REVISIT_WORKFLOW, start, id=f"revisit-{p.project_id}", parent_close_policy=ParentClosePolicy.ABANDON,
                static_summary=f"revisit · {p.department} · agent {p.agent.label()} · project {p.project_id}",
                search_attributes=TypedSearchAttributes([SearchAttributePair(sa.KIND, "revisit")]),
            )  # fmt: skip
        except WorkflowAlreadyStartedError:
            workflow.logger.warning("the project's revisit was started before")

    # ------------------------------------------------------------------ recording

    def _batch(self, out: BaseOutcome[ProjectState], view: dict[str, Any]) -> RecordBatch:
        info = workflow.info()
        return RecordBatch(project_id=out.state.project_id, version=out.state.batches, at=out.ctx.now,
                           steps=out.steps, view=view, notices=out.notices, run_id=info.run_id,
                           task=info.get_current_history_length(), base_seq=out.state.seq - len(out.steps))  # fmt: skip

    async def _send(self, batch: RecordBatch) -> None:
        await workflow.execute_local_activity_method(ProjectRecording.record, batch, **RECORD)

    def _reference(self) -> str:
        return self.project.project_id

    def _publish(self) -> None:
        self.attributes = publish.upsert_changed(self.attributes, self.project)
        workflow.set_current_details(publish.details(self.project, self.ctx().calendar.tz, self.attention))
