"""What complaints and revisits change in a running project (RULES §Complaints and feedback,
§lifecycle 11): rectification tasks a complaint opens, and satisfaction ratings that count
towards the project's KPIs and its satisfaction warning (000 §3(3)).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain import step_kinds as kinds
from domain import waits
from domain.commands import MAX_OBJECTIONS, PROJECT_ID_PATTERN, Command, Objection
from domain.errors import Forbidden, WrongStage
from domain.models import TERMINAL_STAGES, Role, Stage, TaskSource
from domain.progress import refresh_kpis
from domain.project import ProjectState
from domain.steps import Context, Outcome


class ComplaintTasksCommand(Command):
    """A complaint about a running project opens rectification tasks in it (source complaint)."""

    complaint_id: str = Field(pattern=PROJECT_ID_PATTERN)
    descriptions: list[Objection] = Field(min_length=1, max_length=MAX_OBJECTIONS)


class RateCommand(Command):
    """A satisfaction rating given after acceptance: at a revisit or a complaint's confirmation."""

    source: Literal["revisit", "complaint"]
    source_id: str = Field(pattern=PROJECT_ID_PATTERN)
    rating: int = Field(ge=1, le=5)


RATERS = frozenset({Role.customer, Role.agent, Role.dept_head, Role.executive, Role.operations})


def require_running(state: ProjectState) -> None:
    if state.stage in TERMINAL_STAGES or state.stage == Stage.archiving:
        raise WrongStage(f"project {state.project_id} is already {state.stage.value}",
                         "already_stage", project_id=state.project_id, stage=state.stage.value)


def check_complaint_tasks(state: ProjectState, cmd: ComplaintTasksCommand) -> None:
    actor = cmd.actor
    if actor.role not in (Role.dept_head, Role.executive, Role.operations):
        raise Forbidden(f"a {actor.role.value} cannot open rectification tasks from a complaint",
                        "role_cannot", role=actor.role.value)
    if actor.role == Role.dept_head and actor.department != state.department:
        raise Forbidden(f"{actor.label()} heads {actor.department}, not {state.department}",
                        "heads_other", who=actor.label(), department=actor.department, theirs=state.department)
    require_running(state)


def complaint_tasks(state: ProjectState, cmd: ComplaintTasksCommand, ctx: Context) -> Outcome:
    """Tasks for the project's agent, due like any rectification task; they do not hold up
    the results (only a review's or an objection's do)."""
    check_complaint_tasks(state, cmd)
    out = Outcome.begin(state, ctx)
    out.record(kinds.ComplaintTasksAsked(complaint_id=cmd.complaint_id, tasks=len(cmd.descriptions)), cmd.actor)
    due = waits.due_in(ctx, "rectification_task")
    for text in cmd.descriptions:
        waits.open_task(out, TaskSource.complaint, text, out.state.agent, due)
    return out


def check_rating(state: ProjectState, cmd: RateCommand) -> None:
    if cmd.actor.role not in RATERS:
        raise Forbidden(f"a {cmd.actor.role.value} cannot record a rating", "role_cannot", role=cmd.actor.role.value)
    require_running(state)


def rate(state: ProjectState, cmd: RateCommand, ctx: Context) -> Outcome:
    check_rating(state, cmd)
    out = Outcome.begin(state, ctx)
    out.state.ratings.append(cmd.rating)
    out.record(kinds.Rated(source=cmd.source, source_id=cmd.source_id, rating=cmd.rating), cmd.actor)
    refresh_kpis(out)
    return out
