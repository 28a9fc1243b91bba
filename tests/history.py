"""What a rejected update must not add to a workflow's history."""

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowHistory


async def decisive_events(handle: WorkflowHandle) -> int:
    """Accepted updates plus recorded local activities (each `record` batch is a marker).

    A rejected update adds neither; the whole history length is not a stable measure
    (timers, workflow tasks), these two kinds are."""
    history = await handle.fetch_history()
    return sum(
        1
        for e in history.events
        if e.event_type
        in (EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, EventType.EVENT_TYPE_MARKER_RECORDED)
    )


def payload_bytes(history: WorkflowHistory) -> bytes:
    """Every payload's raw bytes in a history (inputs, results, memo, search attributes…)."""
    found: list[bytes] = []

    def walk(message: Message) -> None:
        if isinstance(message, Payload):
            found.append(message.data)
            return
        for field, value in message.ListFields():
            if field.type != field.TYPE_MESSAGE:
                continue
            if field.message_type.GetOptions().map_entry:
                values = value.values()
            elif isinstance(value, Message):
                values = [value]
            else:  # a repeated field
                values = value
            for item in values:
                if isinstance(item, Message):  # map values may be scalars
                    walk(item)

    for event in history.events:
        walk(event)
    return b"\n".join(found)
