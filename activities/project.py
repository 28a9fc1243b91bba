"""The workflow's side effects: the record of each step, notifications, the archive bundle.

Thin on purpose: SQL lives in store/records.py. Every method is idempotent by a step key,
so Temporal may retry it freely.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.channels.deliver import NotificationDelivery
from activities.notifier import Notifier, OutgoingMessage
from domain.models import ArchiveRequest, ArchiveResult, Notification, ProjectState, StepBatch
from store import records
from store.crypto import DataCipher

log = structlog.get_logger(__name__)


class ProjectActivities:
    def __init__(self, pool: asyncpg.Pool, notifier: Notifier, cipher: DataCipher,
                 delivery: NotificationDelivery | None = None) -> None:
        self.pool, self.notifier, self.cipher = pool, notifier, cipher
        self.delivery = delivery  # issue 8 channels (activities/channels); the outbox will take this over

    @activity.defn(name="record_steps")
    async def record_steps(self, batch: StepBatch) -> None:
        """All steps of one update in one transaction; a retry skips what is there."""
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                seen = await records.write_steps(conn, batch.steps)
        except records.MalformedStep as e:
            raise ApplicationError(str(e), type="MalformedStep", non_retryable=True) from e
        if seen:
            log.info("steps already recorded", step_keys=seen)

    @activity.defn(name="notify")
    async def notify(self, note: Notification) -> None:
        async with self.pool.acquire() as conn:
            names = await records.recipients(
                conn, to_role=note.to_role, to_user_id=note.to_user_id, department=note.department
            )
        message = OutgoingMessage(**note.model_dump(), recipients=names)
        # One transaction per channel: the booked row commits only once that channel has
        # sent, so a failed webhook rolls back and is retried without resending the others.
        for channel in self.notifier.channels:
            async with self.pool.acquire() as conn, conn.transaction():
                booked = await records.claim_notification(
                    conn,
                    step_key=note.step_key,
                    channel=channel.name,
                    project_id=note.project_id,
                    kind=note.kind,
                    to_role=note.to_role.value,
                    to_user_id=note.to_user_id,
                    department=note.department,
                    subject=note.subject,
                    body=message.content(),
                )
                if booked:
                    await channel.send(message)
        if self.delivery is not None:
            await self.delivery.deliver(self.pool, self.cipher, note)

    @activity.defn(name="archive_project")
    async def archive_project(self, req: ArchiveRequest) -> ArchiveResult:
        async with self.pool.acquire() as conn, conn.transaction():
            if not await records.project_exists(conn, req.project_id):
                raise ApplicationError(
                    f"project {req.project_id} has no record to archive", type="NotFound", non_retryable=True
                )
            if (done := await records.existing_bundle(conn, req.project_id)) is not None:
                return ArchiveResult(bundle_id=done[0], keywords=done[1])
            stored = await records.archive_records(conn, req.project_id)
            bundle_id = f"archive-{req.project_id}"
            keywords = archive_keywords(req.state, stored["operation_records"])
            await records.insert_bundle(
                conn,
                project_id=req.project_id,
                bundle_id=bundle_id,
                step_key=req.step_key,
                created_at=req.state.completed_at or req.state.updated_at,
                keywords=keywords,
                bundle=archive_bundle(bundle_id, req.state, stored),
            )
        # A concurrent attempt that lost the insert race reads the winner's bundle.
        async with self.pool.acquire() as conn:
            bundle_id, keywords = await records.existing_bundle(conn, req.project_id)
        return ArchiveResult(bundle_id=bundle_id, keywords=keywords)


def archive_keywords(state: ProjectState, events: list[dict[str, Any]]) -> list[str]:
    stages = [e["data"].get("to") for e in events if e["kind"] == "stage_changed"]
    words = [
        state.project_id,
        state.department,
        state.business_type,
        state.agent_name,
        state.risk_level.value if state.risk_level else None,
        state.channel.value,
        *stages,
    ]
    return list(dict.fromkeys(w for w in words if w))


def archive_bundle(bundle_id: str, state: ProjectState, stored: dict[str, Any]) -> dict[str, Any]:
    """归档 (RULES lifecycle 10). Personal data stays encrypted in `customers`; the bundle
    only points at it."""
    ratings = stored["ratings"]
    return {
        "bundle_id": bundle_id,
        "project_id": state.project_id,
        "customer": {
            "customer_id": stored["customer_id"],
            "project_id": state.project_id,
            "customer_user_id": state.customer_user_id,
        },
        "summary": {
            "department": state.department,
            "business_type": state.business_type,
            "channel": state.channel.value,
            "requirement": state.requirement,
            "agent_id": state.agent_id,
            "agent_name": state.agent_name,
            "difficulty": state.difficulty,
            "risk_level": state.risk_level,
            "expected_cycle_days": state.expected_cycle_days,
            "original_expected_cycle_days": state.original_expected_cycle_days,
            "budget": state.budget,
            "created_at": state.created_at,
            "execution_started_at": state.execution_started_at,
            "completed_at": state.completed_at,
            "kpis": state.kpis.model_dump(mode="json"),
        },
        "plan": state.plan.model_dump(mode="json") if state.plan else None,
        "milestones": [m.model_dump(mode="json") for m in state.milestones],
        "operation_records": stored["operation_records"],
        "weekly_reports": stored["weekly_reports"],
        "result_submissions": stored["result_submissions"],
        "approvals": stored["approvals"],
        "rectification_tasks": stored["rectification_tasks"],
        "warnings": stored["warnings"],
        "acceptance": {
            "accepted": bool(ratings),
            "rating": ratings[-1]["rating"] if ratings else None,
            "confirmation": ratings[-1] if ratings else None,
        },
    }
