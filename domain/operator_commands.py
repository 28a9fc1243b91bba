"""What operations 运营管理中心 send about a running project's waiting work (RULES §Deadlines
and escalation; docs/workspace.md §Safe operator actions): hand a pending action or task
to someone else, or extend its deadline. The rules are in domain/operations.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from domain.commands import Command, Strict
from domain.models import Actor
from domain.text import Name, RequiredComment

WaitTarget = Annotated[str, Field(pattern=r"^(pending|warning_analysis|task:[A-Za-z0-9_:-]{1,100})$")]


class ReassignIn(Strict):
    """Operations hand a pending action or task to someone else (on behalf of the company)."""

    target: WaitTarget = Field(description="`pending`, `warning_analysis` or `task:<task id>`")
    to: Name = Field(description="User name of the new assignee")
    reason: RequiredComment


class ExtendDeadlineIn(Strict):
    target: WaitTarget = Field(description="`pending`, `warning_analysis` or `task:<task id>`")
    working_days: int = Field(gt=0, le=60, description="Working days added to the current deadline")
    reason: RequiredComment


class ReassignCommand(Command):
    body: ReassignIn
    to: Actor


class ExtendDeadlineCommand(Command):
    body: ExtendDeadlineIn
