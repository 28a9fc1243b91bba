"""What a complaint's or revisit's update answers: its step count and status (`ServiceAck`)
and what it made — the tasks its project opened, a reopened round, where the rating went —
built from the update's typed steps, like a project's (domain/results.py)."""

from __future__ import annotations

from pydantic import Field

from domain import service_steps as s
from domain import step_kinds as k
from domain.service_models import ServiceAck
from domain.steps import Step


class ComplaintReplied(ServiceAck):
    """`task_ids`: the rectification tasks the complaint's project opened; `tasks_refused`:
    why it opened none (it has finished)."""

    round: int | None = None
    answer: bool | None = Field(default=None, description="The answer the customer confirms, not an interim reply")
    task_ids: list[str] = Field(default_factory=list)
    tasks_refused: str | None = None


class ComplaintConfirmed(ServiceAck):
    satisfied: bool | None = None
    reopened_round: int | None = Field(default=None, description="The new round when not satisfied")
    rating_to_project: bool = Field(default=False, description="The running project took the rating")
    warning: bool = Field(default=False, description="The rating raised a satisfaction warning")


class RevisitRecorded(ServiceAck):
    rating: int | None = None
    warning: bool = Field(default=False, description="The rating raised a satisfaction warning")


def complaint_replied(ack: ServiceAck, steps: list[Step]) -> ComplaintReplied:
    made = [step.facts for step in steps]
    reply = next((f for f in made if isinstance(f, s.Replied)), None)
    refused = next((step.comment for step in steps if isinstance(step.facts, s.TasksNotOpened)), None)
    opened = [t for f in made if isinstance(f, s.TasksOpened) for t in f.task_ids]
    return ComplaintReplied(seq=ack.seq, status=ack.status, round=reply.round if reply else None,
                            answer=reply.answer if reply else None, task_ids=opened, tasks_refused=refused)  # fmt: skip


def complaint_confirmed(ack: ServiceAck, steps: list[Step]) -> ComplaintConfirmed:
    made = [step.facts for step in steps]
    confirmed = next((f for f in made if isinstance(f, s.Confirmed)), None)
    reopened = next((f for f in made if isinstance(f, s.Reopened)), None)
    return ComplaintConfirmed(seq=ack.seq, status=ack.status, satisfied=confirmed.satisfied if confirmed else None,
                              reopened_round=reopened.round if reopened else None,
                              rating_to_project=any(isinstance(f, s.RatingSent) for f in made),
                              warning=any(isinstance(f, k.SatisfactionWarning) for f in made))  # fmt: skip


def revisit_recorded(ack: ServiceAck, steps: list[Step]) -> RevisitRecorded:
    made = [step.facts for step in steps]
    done = next((f for f in made if isinstance(f, s.RevisitDone)), None)
    return RevisitRecorded(seq=ack.seq, status=ack.status, rating=done.rating if done else None,
                           warning=any(isinstance(f, k.SatisfactionWarning) for f in made))  # fmt: skip
