"""The activities the workflows call, as typed stubs (workflow code imports no asyncpg).

The worker registers their implementations, `activities.project.ProjectActivities`,
under the same names.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from temporalio import activity

from domain.service_models import ProjectAnswer, ProjectCall, ServiceBatch
from domain.steps import ArchiveIn, ArchiveOut, RecordBatch, Recorded


class Unrecordable(BaseModel):
    """A batch PostgreSQL refused for good, reported so operations see it."""

    project_id: str
    seq: int
    kinds: list[str]
    error: str = Field(max_length=1000)


class SetupIn(BaseModel):
    created_at: datetime


class Setup(BaseModel):
    """The company policy and the official dates of a new project, as JSON text."""

    policy: str
    calendar: str


class ProjectRecording:
    @activity.defn(name="setup")
    async def setup(self, req: SetupIn) -> Setup:
        """The worker's company policy (JINDU_POLICY_FILE) and the official dates of the years
        the project starts in (chinese-calendar, calendar_extra.json, published years)."""
        raise NotImplementedError

    @activity.defn(name="record")
    async def record(self, batch: RecordBatch) -> Recorded:
        """Write one batch of steps, the read model's changes and the notifications."""
        raise NotImplementedError

    @activity.defn(name="archive")
    async def archive(self, req: ArchiveIn) -> ArchiveOut:
        """Build the project's archive bundle from its records."""
        raise NotImplementedError

    @activity.defn(name="report_unrecordable")
    async def report_unrecordable(self, failure: Unrecordable) -> None:
        raise NotImplementedError


class ServiceRecording:
    """The activities ComplaintWorkflow and RevisitWorkflow call besides `setup` and
    `report_unrecordable`: implemented by `activities.service.ServiceActivities`."""

    @activity.defn(name="record_complaint")
    async def record_complaint(self, batch: ServiceBatch) -> None:
        """Write one batch of a complaint's steps, its read model's changes and notifications."""
        raise NotImplementedError

    @activity.defn(name="record_revisit")
    async def record_revisit(self, batch: ServiceBatch) -> None:
        """Write one batch of a revisit's steps, its read model's changes and notifications."""
        raise NotImplementedError

    @activity.defn(name="call_project")
    async def call_project(self, call: ProjectCall) -> ProjectAnswer:
        """Send a complaint's rectification tasks or rating to its project's workflow, once."""
        raise NotImplementedError
