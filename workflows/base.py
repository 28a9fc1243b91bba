"""What every Jindu workflow does around its pure rules (ProjectWorkflow, ComplaintWorkflow,
RevisitWorkflow): record each outcome — one local activity per update or clock tick — then
adopt its state; sleep until the next thing falls due; validate and apply updates once per
update id; publish itself to the Web UI.

Passed through the sandbox with the modules that use it: it holds no module state, and the
rules it calls are deterministic.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from domain.calendar import OfficialDates, WorkCalendar, calendar_for, shared_dates
from domain.commands import Command
from domain.errors import JinduError
from domain.policy import ProjectPolicy, shared_policy
from domain.project import RECENT_UPDATES
from domain.steps import BaseOutcome, Context
from domain.steps import Subject as StepSubject
from workflows.activities import ProjectRecording, SetupIn, Unrecordable

# Records are written by a local activity: a short, idempotent PostgreSQL transaction run
# inside the workflow task, so its input (the steps) is not copied into the history and an
# update costs no round trip through the server. While PostgreSQL is down it retries.
RECORD: Any = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30),
                                non_retryable_error_types=["Unrecordable"]),
}  # fmt: skip


class Subject(StepSubject, Protocol):
    """A workflow's state: steps counted, batches recorded, update ids seen, its dates."""

    batches: int
    recent_updates: list[str]
    calendar: OfficialDates

    def read_view(self) -> dict[str, Any]: ...

    def model_dump_json(self) -> str: ...


class Start(Protocol):
    policy: ProjectPolicy | None
    calendar: OfficialDates | None

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any: ...


S = TypeVar("S", bound=Subject)
A = TypeVar("A")  # what an update answers
C = TypeVar("C", bound=Command)


def fingerprint(value: Any) -> int:
    """What a cached workflow keeps of a value it only compares: a hash (stable within a process,
    which is where the comparison happens; the payloads it decides are not in the history)."""
    return hash(json.dumps(value, sort_keys=True, default=str))


def rejected(err: JinduError) -> ApplicationError:
    """The guard's refusal as Temporal carries it; its catalogue key and parameters ride in
    the details, so a page retells it in the reader's language (web/api.py)."""
    details = ({"key": err.key, "params": err.params},) if err.key else ()
    return ApplicationError(err.message, *details, type=err.code, non_retryable=True)


class Engine(Generic[S, A]):
    start: Any
    subject_type: type[S]

    def init_engine(self, started_at: datetime, *, ready: bool) -> None:
        self.lock = asyncio.Lock()
        self.ready = ready
        self._state: S | None = None
        self.view: dict[str, int] = {}  # fingerprints of the read model's fields as last recorded
        self.attributes: dict[str, Any] = {}
        self.changed = False
        self.attention: str | None = None
        self.timer: asyncio.Task[None] | None = None
        self.timer_at = self.timer_at_start = started_at

    # ------------------------------------------------------------------ what a kind supplies
    # When it next wakes and what fired by then; its batch, its `record` local activity and
    # its name in `record_failures`; its Web UI view; its answer to an update; whether it is
    # done; its continue-as-new input.

    def _next_due(self) -> datetime | None: raise NotImplementedError
    def _tick(self) -> BaseOutcome[S]: raise NotImplementedError
    def _batch(self, out: BaseOutcome[S], view: dict[str, Any]) -> BaseModel: raise NotImplementedError
    async def _send(self, batch: Any) -> None: raise NotImplementedError
    def _reference(self) -> str: raise NotImplementedError
    def _publish(self) -> None: raise NotImplementedError
    def _ack(self) -> A: raise NotImplementedError
    def _finished(self) -> bool: raise NotImplementedError
    def _carry(self) -> Any: raise NotImplementedError

    async def _before_sleep(self) -> bool:
        """Work the run does without waiting (a project's archive); True when it did some."""
        return False

    def _may_continue_as_new(self) -> bool:
        return True

    # ------------------------------------------------------------------ state

    @property
    def subject(self) -> S:
        """The state, kept as its JSON between activations: a parked workflow holds one string
        instead of a tree of objects (parsing it back is a JSON load per activation)."""
        if self._state is None:
            self._state = self.subject_type.model_validate_json(self._state_json)
        return self._state

    @subject.setter
    def subject(self, state: S) -> None:
        self._state, self._state_json = state, state.model_dump_json()

    def rest(self) -> None:
        """Drop the parsed state while the workflow sleeps."""
        self._state = None

    def ctx(self) -> Context:
        dates = self.subject.calendar if hasattr(self, "_state_json") else self.start.calendar
        policy = self.start.policy
        assert dates is not None and policy is not None, "the policy is set up first"
        if getattr(self, "dates", None) != dates:
            self.dates: OfficialDates = dates
            self.calendar: WorkCalendar = calendar_for(policy.calendar, dates)
        return Context(workflow.now(), self.calendar, policy)

    async def _set_up(self) -> None:
        """A new workflow takes the company's policy and the official dates of its horizon as
        they are when it starts, recorded once in its history (the `setup` local activity's
        marker); from then on it decides on those, even if the policy file changes."""
        if self.start.policy is None or self.start.calendar is None:
            setup = await workflow.execute_local_activity_method(
                ProjectRecording.setup, SetupIn(created_at=self.timer_at_start), **RECORD)
            self.start = self.start.model_copy(update={
                "policy": self.start.policy or shared_policy(setup.policy),
                "calendar": self.start.calendar or shared_dates(setup.calendar)})  # fmt: skip

    # ------------------------------------------------------------------ the run

    async def _begin(self, first: Callable[[], BaseOutcome[S]]) -> None:
        """Set up and record the first outcome, unless continued as new."""
        if not self.ready:
            async with self.lock:
                await self._set_up()
                await self._record(first())
            self.ready = True
        self._publish()

    async def _run_until_finished(self) -> None:
        while not self._finished():
            if await self._before_sleep():
                continue
            await self._sleep_until_due()
            async with self.lock:
                if (due := self._next_due()) is not None and due <= workflow.now():
                    await self._record(self._tick(), from_clock=True)
            if workflow.info().is_continue_as_new_suggested() and self._may_continue_as_new():
                await self._quiesce()
                workflow.continue_as_new(self._carry())
        await self._quiesce()

    # ------------------------------------------------------------------ waiting

    async def _sleep_until_due(self) -> None:
        """Wake when something falls due or an update changed the state. A timer is only
        started when something falls due earlier than the one already running."""
        due, now = self._next_due(), workflow.now()
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

    async def _quiesce(self) -> None:
        await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self.lock.locked())

    # ------------------------------------------------------------------ recording

    async def _record(self, out: BaseOutcome[S], *, from_clock: bool = False) -> None:
        """Record the outcome in PostgreSQL, then adopt its state. A batch PostgreSQL refuses
        for good is reported and, for an update, fails it with nothing applied."""
        view = out.state.read_view()
        seen = {k: fingerprint(v) for k, v in view.items()}
        changed = any(self.view.get(k) != seen[k] for k in view)
        if out.steps or changed or out.notices:
            out.state.batches += 1
            try:
                # The whole view, not the changed fields: a batch that replaces one of a
                # workflow task that never completed must leave nothing of it behind.
                await self._send(self._batch(out, view))
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
        self.subject = out.state
        self.changed = True
        self._publish()

    async def _unrecordable(self, out: BaseOutcome[S], error: str) -> None:
        self.attention = error[:200]
        workflow.logger.error("steps cannot be recorded", extra={"error": error, "seq": out.state.seq})
        failure = Unrecordable(project_id=self._reference(), seq=out.state.seq,
                               kinds=[s.kind for s in out.steps], error=error[:1000])  # fmt: skip
        self._publish()
        await workflow.execute_local_activity_method(ProjectRecording.report_unrecordable, failure, **RECORD)

    # ------------------------------------------------------------------ updates

    async def _apply(self, transition: Callable[[S, C, Context], BaseOutcome[S]], cmd: C,
                     then: Callable[[BaseOutcome[S], C], Awaitable[None]] | None = None) -> A:  # fmt: skip
        """Apply a validated update once per update id (the API's Idempotency-Key), also after
        a continue-as-new (`recent_updates`), then, under the same lock, what the outcome asks
        of others (`then`); answer with the kind's acknowledgement."""
        info = workflow.current_update_info()
        update_id = info.id if info else None
        await workflow.wait_condition(lambda: self.ready)
        async with self.lock:
            if update_id in self.subject.recent_updates:
                return self._ack()  # a retry of an applied update
            try:
                out = transition(self.subject, cmd, self.ctx())
            except JinduError as err:
                raise rejected(err) from err
            if update_id:
                out.state.recent_updates = [*out.state.recent_updates, update_id][-RECENT_UPDATES:]
            await self._record(out)
            if then is not None:
                await then(out, cmd)
        return self._ack()

    def _check(self, check: Callable[[], None]) -> None:
        """An update validator: the guard's rejection, before anything is written."""
        if not self.ready:
            return  # its state is being set up: the handler checks the same guard once it is
        info = workflow.current_update_info()
        if info is not None and info.id in self.subject.recent_updates:
            return
        try:
            check()
        except JinduError as err:
            raise rejected(err) from err
