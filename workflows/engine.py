"""ProjectWorkflow's engine: records each outcome, adopts its state, sleeps until the next
thing falls due and publishes the project to the Web UI (workflows/project.py).

Passed through the sandbox: shared by every cached project instead of imported again for
each one; it holds no module state, and the rules it calls are deterministic.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from domain import clock, lifecycle
from domain.calendar import calendar_for, shared_dates
from domain.models import TERMINAL_STAGES, Stage
from domain.policy import shared_policy
from domain.project import ProjectStart, ProjectState
from domain.steps import Ack, ArchiveIn, Context, Outcome, RecordBatch
from workflows import publish
from workflows.activities import ProjectRecording, SetupIn, Unrecordable
from workflows.updates import ProjectUpdates
from workflows.v1 import ProjectV1
from workflows.v1.state import ProjectStart as StartV1

# Records are written by a local activity: a short, idempotent PostgreSQL transaction run
# inside the workflow task, so its input (the steps) is not copied into the history and an
# update costs no round trip through the server. While PostgreSQL is down it retries.
RECORD: Any = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30),
                                non_retryable_error_types=["Unrecordable"]),
}  # fmt: skip
ARCHIVE: Any = {**RECORD, "start_to_close_timeout": timedelta(minutes=2)}


def fingerprint(value: Any) -> int:
    """What a cached project keeps of a value it only compares: a hash (stable within a process,
    which is where the comparison happens; the payloads it decides are not in the history)."""
    return hash(json.dumps(value, sort_keys=True, default=str))


class ProjectEngine(ProjectUpdates):
    def setup(self, start: ProjectStart | StartV1) -> None:
        self.legacy: ProjectV1 | None = None
        if isinstance(start, StartV1):
            self.legacy = ProjectV1(start)
            self.legacy.register()
            return
        self.start = start
        self.lock = asyncio.Lock()
        self.ready = self.start.carried is not None
        self._state: ProjectState | None = None
        if self.start.carried is not None:
            self.project = self.start.carried
        self.view: dict[str, int] = {}  # fingerprints of the read model's fields as last recorded
        self.attributes: dict[str, Any] = {}
        self.changed = False
        self.attention: str | None = None
        self.timer: asyncio.Task[None] | None = None
        self.timer_at = self.start.created_at

    @property
    def project(self) -> ProjectState:
        """The state, kept as its JSON between activations: a parked project holds one string
        instead of a tree of objects (parsing it back is a JSON load per activation)."""
        if self._state is None:
            self._state = ProjectState.model_validate_json(self._state_json)
        return self._state

    @project.setter
    def project(self, state: ProjectState) -> None:
        self._state, self._state_json = state, state.model_dump_json()

    def rest(self) -> None:
        """Drop the parsed state while the project sleeps."""
        self._state = None

    def ctx(self) -> Context:
        dates = self.project.calendar if hasattr(self, "_state_json") else self.start.calendar
        policy = self.start.policy
        assert dates is not None and policy is not None, "the project's policy is set up first"
        if getattr(self, "dates", None) != dates:
            self.dates, self.calendar = dates, calendar_for(policy.calendar, dates)
        return Context(workflow.now(), self.calendar, policy)

    async def _set_up(self) -> None:
        """A new project takes the company's policy and the official dates of its horizon as
        they are when it starts, recorded once in its history (the `setup` local activity's
        marker); from then on it decides on those, even if the policy file changes."""
        if self.start.policy is None or self.start.calendar is None:
            setup = await workflow.execute_local_activity_method(
                ProjectRecording.setup, SetupIn(created_at=self.start.created_at), **RECORD)
            self.start = self.start.model_copy(update={
                "policy": self.start.policy or shared_policy(setup.policy),
                "calendar": self.start.calendar or shared_dates(setup.calendar)})  # fmt: skip

    # ------------------------------------------------------------------ the run

    async def run_project(self) -> Ack:
        if self.legacy is not None:
            finished = await self.legacy.run(self.legacy.start)  # v1's ProjectState
            return Ack(seq=finished.seq, stage=finished.stage)
        if not self.ready:
            async with self.lock:
                await self._set_up()
                await self._record(lifecycle.intake(self.start, self.ctx()))
            self.ready = True
        self._publish()
        while self.project.stage not in TERMINAL_STAGES:
            if self.project.stage == Stage.archiving:
                await self._archive()
                continue
            await self._sleep_until_due()
            async with self.lock:
                if (due := clock.next_due(self.project, self.ctx())) is not None and due <= workflow.now():
                    await self._record(clock.tick(self.project, self.ctx()), from_clock=True)
            if workflow.info().is_continue_as_new_suggested() and not self._archiving():
                await self._quiesce()
                workflow.continue_as_new(self.start.model_copy(update={"carried": self.project}))
        await self._quiesce()
        return self._ack()

    def _archiving(self) -> bool:
        return self.project.stage == Stage.archiving

    async def _sleep_until_due(self) -> None:
        """Wake when something falls due or an update changed the state. A timer is only
        started when something falls due earlier than the one already running."""
        due, now = clock.next_due(self.project, self.ctx()), workflow.now()
        if due is not None and due <= now:
            return
        if due is None:
            timer = None
        else:
            if self.timer is None or self.timer.done() or due < self.timer_at:
                if self.timer is not None:
                    self.timer.cancel()
                self.timer_at = due
                self.timer = asyncio.create_task(asyncio.sleep((due - now).total_seconds()))
            timer = self.timer
        self.changed = False
        self.rest()
        await workflow.wait_condition(lambda: self.changed or (timer is not None and timer.done()))

    async def _archive(self) -> None:
        async with self.lock:
            await self._record(lifecycle.begin_archive(self.project, self.ctx()))
            bundle = await workflow.execute_activity_method(
                ProjectRecording.archive, ArchiveIn(project_id=self.project.project_id, seq=self.project.seq), **ARCHIVE
            )
            await self._record(lifecycle.archived(self.project, bundle, self.ctx()))

    async def _quiesce(self) -> None:
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self.lock.locked())

    # ------------------------------------------------------------------ recording

    async def _record(self, out: Outcome, *, from_clock: bool = False) -> None:
        """Record the outcome in PostgreSQL, then adopt its state. A batch PostgreSQL refuses
        for good is reported and, for an update, fails it with nothing applied."""
        view = out.state.read_view()
        seen = {k: fingerprint(v) for k, v in view.items()}
        patch = {k: v for k, v in view.items() if self.view.get(k) != seen[k]}
        if out.steps or patch or out.notices:
            out.state.batches += 1
            batch = RecordBatch(project_id=out.state.project_id, version=out.state.batches, at=out.ctx.now,
                                steps=out.steps, view=patch, notices=out.notices)  # fmt: skip
            try:
                await workflow.execute_local_activity_method(ProjectRecording.record, batch, **RECORD)
            except (ActivityError, ApplicationError) as err:
                # A local activity's failure arrives as its own error, a remote one's as the cause.
                cause = err.cause if isinstance(err, ActivityError) else err
                if not (isinstance(cause, ApplicationError) and cause.type == "Unrecordable"):
                    raise
                await self._unrecordable(out, cause.message)
                if not from_clock:
                    raise ApplicationError(f"the action cannot be stored: {cause.message}", type="invalid",
                                           non_retryable=True) from err  # fmt: skip
            self.view = seen
        self.project = out.state
        self.changed = True
        self._publish()

    async def _unrecordable(self, out: Outcome, error: str) -> None:
        self.attention = error[:200]
        workflow.logger.error("steps cannot be recorded", extra={"error": error, "seq": out.state.seq})
        failure = Unrecordable(project_id=out.state.project_id, seq=out.state.seq,
                               kinds=[s.kind for s in out.steps], error=error[:1000])  # fmt: skip
        self._publish()
        await workflow.execute_local_activity_method(ProjectRecording.report_unrecordable, failure, **RECORD)

    def _publish(self) -> None:
        self.attributes = publish.upsert_changed(self.attributes, self.project)
        workflow.set_current_details(publish.details(self.project, self.ctx().calendar.tz, self.attention))

