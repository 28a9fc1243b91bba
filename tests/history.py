"""What a rejected update must not add to a workflow's history."""

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle


async def decisive_events(handle: WorkflowHandle) -> int:
    """Accepted updates plus scheduled record_step activities.

    Background notifications may still complete and add their own events, so the whole
    history length is not a stable measure; these two kinds are.
    """
    history = await handle.fetch_history()
    return sum(
        1
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        or (
            e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            and e.activity_task_scheduled_event_attributes.activity_type.name == "record_step"
        )
    )
