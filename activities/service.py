"""ComplaintWorkflow's and RevisitWorkflow's side effects: recording their steps (the SQL is
store/service_records.py's) and asking a complaint's project to open rectification tasks or
take a rating. Every method is idempotent: a batch by its step keys, a project call by its
fixed Temporal update id.
"""

from __future__ import annotations

import asyncpg
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.project import record_with
from domain import results
from domain.errors import ERRORS_BY_CODE
from domain.models import workflow_id
from domain.service import ComplaintTasksCommand, RateCommand
from domain.service_models import ProjectAnswer, ProjectCall, ServiceBatch
from domain.steps import Ack
from store import service_records
from workflows.activities import ServiceRecording
from workflows.project import ProjectWorkflow


class ServiceActivities(ServiceRecording):
    def __init__(self, pool: asyncpg.Pool, client: Client, on_notices: object = None) -> None:
        self.pool, self.client, self.on_notices = pool, client, on_notices

    @activity.defn(name="record_complaint")
    async def record_complaint(self, batch: ServiceBatch) -> None:
        await record_with(self.pool, service_records.write_complaint_batch, batch, self.on_notices,
                          complaint_id=batch.subject_id)  # fmt: skip

    @activity.defn(name="record_revisit")
    async def record_revisit(self, batch: ServiceBatch) -> None:
        await record_with(self.pool, service_records.write_revisit_batch, batch, self.on_notices,
                          revisit_of=batch.subject_id)  # fmt: skip

    @activity.defn(name="call_project")
    async def call_project(self, call: ProjectCall) -> ProjectAnswer:
        return await send_to_project(self.client, call)


async def send_to_project(client: Client, call: ProjectCall) -> ProjectAnswer:
    """Send the call as an update with its fixed id; the tasks it opened are in its answer
    (domain/results.py). The project's rejection (it has finished) is an answer, not a
    failure: the complaint then records that no tasks could be opened, or takes the rating
    itself."""
    handle = client.get_workflow_handle(workflow_id(call.project_id))
    try:
        if call.kind == "tasks":
            tasks = ComplaintTasksCommand(actor=call.actor, complaint_id=call.complaint_id,
                                          descriptions=call.descriptions)  # fmt: skip
            opened = await handle.execute_update(ProjectWorkflow.complaint_tasks, tasks, id=call.update_id,
                                                 result_type=results.ComplaintTasksOpened)  # fmt: skip
            return ProjectAnswer(applied=True, task_ids=opened.task_ids)
        else:
            assert call.rating is not None
            rate = RateCommand(actor=call.actor, source="complaint", source_id=call.complaint_id, rating=call.rating)
            await handle.execute_update(ProjectWorkflow.rate, rate, id=call.update_id, result_type=Ack)
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        if isinstance(cause, ApplicationError) and cause.type in ERRORS_BY_CODE:
            return ProjectAnswer(applied=False, reason=cause.message[:500])
        raise
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:  # the project's workflow has finished
            return ProjectAnswer(applied=False, reason=f"project {call.project_id} has finished")
        raise
    return ProjectAnswer(applied=True)
