"""What every use case works with, and the one place a command is sent to a workflow.

`Office.update` is Jindu's only sender of workflow updates (`start_with_update` sends an
intake's first one together with the workflow's start): the API (api/deps.py `Services`),
the workspace and `jindu project` all come through it. It answers within
JINDU_UPDATE_TIMEOUT_SECONDS and turns Temporal's refusals into the domain's errors
(domain/errors.py), so every caller renders the same error: the API as its JSON error,
the workspace as a page, the command line as one line on stderr.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from api.errors import TEMPORAL_OUTAGES
from domain.commands import Command
from domain.errors import ERRORS_BY_CODE, NotFound, Unavailable, WrongStage
from domain.models import workflow_id
from domain.steps import Ack
from store.crypto import DataCipher
from store.files import FileStore
from workflows import search_attributes as sa


def _nothing() -> None:
    return None


def _ignored(answer: Any) -> None:
    return None


@dataclass(frozen=True)
class Office:
    """The database, Temporal, the customer-data cipher and the company's time zone.

    `cipher` is None where no data key is held (`jindu project` needs none): customer
    fields then read as absent. `on_send` tells the caller an update left, so that an
    outage after it is answered "may have applied" (api/errors.py); `on_answer` hears what each
    update answered (domain/results.py: what it made), e.g. for `jindu project` to print it."""

    pool: asyncpg.Pool
    client: Client
    cipher: DataCipher | None
    tz: ZoneInfo
    timeout: float
    on_send: Callable[[], None] = field(default=_nothing, compare=False)
    allow_zero_budget: bool = False  # the policy's (domain/commands.py check_budget)
    on_answer: Callable[[Any], None] = field(default=_ignored, compare=False)
    files: FileStore | None = field(default=None, compare=False)  # attachments' bytes (store/files.py)
    # A project action answers with the project's view, read back from PostgreSQL; briefly
    # (`briefly()`), with what its update answered alone (api/schemas.py ProjectAnswer).
    answer_with_view: bool = True

    @classmethod
    def of(cls, state: Any, on_send: Callable[[], None] = _nothing) -> Office:
        """From the app's state (api/app.py)."""
        return cls(pool=state.pool, client=state.client, cipher=state.cipher,
                   tz=ZoneInfo(state.policy.calendar.timezone), timeout=state.settings.update_timeout_seconds,
                   on_send=on_send, allow_zero_budget=state.policy.allow_zero_budget,
                   files=state.files)  # fmt: skip

    def briefly(self) -> Office:
        """This office answering project actions with the update's own answer, not the view: for
        a caller that reads nothing of the answer (a form that redirects, a chat button) or asked
        for less (`Prefer: return=minimal`). Saves the view's statement and its building."""
        return replace(self, answer_with_view=False)

    async def start(self, run: Callable[..., Any], arg: Any, *, wf_id: str, task_queue: str, kind: str,
                    summary: str) -> None:  # fmt: skip
        """Start a workflow once: a retry reuses the running one, and one that has finished is
        not started again. Its input and summary carry ids, roles and staff names only (no
        customer personal data in Temporal)."""
        try:
            await self.client.start_workflow(
                run, arg, id=wf_id, task_queue=task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE, static_summary=summary,
                search_attributes=TypedSearchAttributes([SearchAttributePair(sa.KIND, kind)]),
            )  # fmt: skip
        except WorkflowAlreadyStartedError:
            pass  # a retry whose workflow has already finished

    async def start_with_update(self, run: Callable[..., Any], arg: Any, *, wf_id: str, task_queue: str, kind: str,
                                summary: str, update: Callable[..., Any], cmd: Command,
                                result_type: type | None = Ack, update_id: str | None = None) -> Any:  # fmt: skip
        """`start`, then `update` on the workflow, in one round trip to Temporal
        (update-with-start): the running workflow is used if there is one, and one that has
        finished is not started again (REJECT_DUPLICATE) — the update is then sent alone and
        answers as for any finished workflow. The same `update_id` applies once."""
        start = WithStartWorkflowOperation(
            run, arg, id=wf_id, task_queue=task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE, static_summary=summary,
            search_attributes=TypedSearchAttributes([SearchAttributePair(sa.KIND, kind)]),
        )  # fmt: skip
        try:
            return await self._answered(self.client.execute_update_with_start_workflow(
                update, cmd, start_workflow_operation=start, id=update_id or str(uuid.uuid4()),
                result_type=result_type, rpc_timeout=timedelta(seconds=self.timeout)))  # fmt: skip
        except WorkflowAlreadyStartedError:  # it has finished
            return await self.update(wf_id, update, cmd, update_id, result_type)

    async def update_project(self, project_id: str, update: Callable[..., Any], cmd: Command,
                             update_id: str | None = None) -> Ack:  # fmt: skip
        """Answers the update's own result type (an `Ack` naming what it made, domain/results.py)."""
        return await self.update(workflow_id(project_id), update, cmd, update_id, None)  # type: ignore[no-any-return]

    async def update(self, wf_id: str, update: Callable[..., Any], cmd: Command, update_id: str | None = None,
                     result_type: type | None = Ack) -> Any:  # fmt: skip
        """Any of Jindu's workflows by id: projects (`project-<id>`), complaints
        (`complaint-<id>`), revisits (`revisit-<project id>`). The same `update_id` applies once."""
        handle = self.client.get_workflow_handle(wf_id)
        return await self._answered(handle.execute_update(
            update, cmd, id=update_id or str(uuid.uuid4()), result_type=result_type,
            rpc_timeout=timedelta(seconds=self.timeout)))  # fmt: skip

    async def _answered(self, sent: Coroutine[Any, Any, Any]) -> Any:
        """The update's answer within the timeout, Temporal's refusals as the domain's errors."""
        self.on_send()
        try:
            answer = await asyncio.wait_for(sent, timeout=self.timeout)
        except WorkflowUpdateFailedError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type in ERRORS_BY_CODE:
                said = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
                # the guard's catalogue key and parameters ride in the details (workflows/base.py)
                raise ERRORS_BY_CODE[cause.type](cause.message, str(said.get("key") or ""),
                                                 **dict(said.get("params") or {})) from err  # fmt: skip
            raise
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
            raise Unavailable(
                f"no worker answered within {self.timeout:g} s: the action may still be applied once a worker runs; "
                "retry with the same Idempotency-Key, or read the project before sending it again",
                "no_worker", seconds=f"{self.timeout:g}", may_have_applied=True,
            ) from err
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                # Callers found the record first, so a workflow that is gone has finished.
                if "completed" in err.message or "closed" in err.message:
                    raise WrongStage("the project's workflow has already finished", "workflow_finished") from err
                raise NotFound("no such workflow", "no_workflow") from err
            if err.status in TEMPORAL_OUTAGES:
                raise Unavailable("Temporal cannot be reached; try again shortly",
                                  "temporal_down", may_have_applied=True) from err
            raise
        self.on_answer(answer)
        return answer
