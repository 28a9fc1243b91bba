"""A project's use cases (RULES §lifecycle 2–9, §Rectification, §Progress anomaly warnings,
docs/workspace.md §Safe operator actions): each checks who may ask, builds the workflow
command, sends it once per update id through the one sender and answers with the
project as recorded, as its reader may see it, or briefly with what the update answered
(`Office.briefly`: the analysis of a completed project's revisit warning still answers with
the project, its update being the revisit's).

Who may ask is stated once here (`Permit`): the API's role dependencies use the same
permits, so a customer posting a decision is told 403 before their body is read. Stage,
ownership and duplicates are the workflow's update validators' (domain/guards.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from api.auth import actor, check_visible, require_role
from api.project_view import project_view
from api.schemas import ProjectAnswer, ProjectView
from domain.allowed_actions import check_dispose
from domain.commands import (
    AcceptanceCommand,
    AcceptanceIn,
    AssessCommand,
    AssessmentIn,
    CancelCommand,
    CancelIn,
    Command,
    CompleteTaskCommand,
    DecisionIn,
    PlanCommand,
    PlanIn,
    ReportCommand,
    ResultsCommand,
    ResultsIn,
    TaskCompleteIn,
    WarningAnalysisIn,
    WeeklyReportIn,
    check_budget,
)
from domain.errors import AlreadyDecided, Forbidden, JinduError, NotFound, Unavailable
from domain.models import Role, Stage
from domain.operator_commands import ExtendDeadlineCommand, ExtendDeadlineIn, ReassignIn
from domain.service_models import ServiceAck
from domain.text import Name
from jindu.services.office import Office
from jindu.services.people import decide_command, reassign_command, warning_analysis_command
from store import attachments
from store.crypto import DataCipher
from store.customers import dispose_after_relationship
from store.reads import ProjectAccess, TaskRecord, project_access, rectification_task
from store.users import User
from workflows.project import ProjectWorkflow
from workflows.revisit import RevisitWorkflow


@dataclass(frozen=True)
class Permit:
    """The roles that may ask for an action, and its name in a refusal."""

    roles: tuple[Role, ...]
    action: str

    def check(self, user: User) -> None:
        require_role(user, *self.roles, action=self.action)


ASSESS = Permit((Role.agent,), "assess")
PLAN = Permit((Role.agent,), "submit a plan")
DECIDE = Permit((Role.dept_head, Role.executive, Role.operations), "decide approval gates")
REPORT = Permit((Role.agent,), "report progress")
RESULTS = Permit((Role.agent,), "submit results")
ACCEPT = Permit((Role.customer, Role.agent), "answer the acceptance")
ANALYSE = Permit((Role.dept_head,), "analyse progress warnings")
OPERATE = Permit((Role.operations,), "do this")


class _Sealed(DataCipher):
    """No data key held (`jindu project`): customer fields read as absent."""

    def __init__(self) -> None:
        pass

    def decrypt(self, blob: bytes | None) -> str | None:
        return None


async def visible_project(office: Office, user: User, project_id: str) -> ProjectAccess:
    """The project, if `user` may see it (404 for a customer's stranger, 403 across departments)."""
    project = await project_access(office.pool, project_id)
    if project is None:
        raise NotFound(f"no project {project_id}", "no_project", project_id=project_id)
    check_visible(user, project)
    return project


async def view(office: Office, user: User, project: ProjectAccess) -> ProjectView:
    return await project_view(office.pool, office.cipher or _Sealed(), user, project, office.tz)


# What a project action answers: the project as recorded, or, for an office answering
# briefly (Office.briefly), what its update answered.
Answer = ProjectView | ProjectAnswer


async def _send(office: Office, user: User, project: ProjectAccess, permit: Permit, update: Callable[..., Any],
                cmd: Command, key: str | None) -> Answer:  # fmt: skip
    permit.check(user)
    ack = await office.update_project(project.id, update, cmd, key)
    if not office.answer_with_view:
        return ProjectAnswer(id=project.id, stage=ack.stage, seq=ack.seq)
    return await view(office, user, project)


async def assess(office: Office, user: User, project: ProjectAccess, body: AssessmentIn,
                 key: str | None = None) -> Answer:  # fmt: skip
    check_budget(body, office.allow_zero_budget)  # the policy's rule, before anything is sent
    cmd = AssessCommand(actor=actor(user), body=body)
    return await _send(office, user, project, ASSESS, ProjectWorkflow.assess, cmd, key)


async def submit_plan(office: Office, user: User, project: ProjectAccess, body: PlanIn,
                      key: str | None = None) -> Answer:  # fmt: skip
    cmd = PlanCommand(actor=actor(user), body=body)
    return await _send(office, user, project, PLAN, ProjectWorkflow.submit_plan, cmd, key)


class DecisionRequest(DecisionIn):
    on_behalf_of: Name | None = Field(
        default=None, description="Operations only: the user name of the absent approver this decision is taken for"
    )


async def decide(office: Office, user: User, project: ProjectAccess, body: DecisionRequest,
                 key: str | None = None) -> Answer:  # fmt: skip
    """An approver decides for themself; operations for a named absent approver."""
    DECIDE.check(user)
    decision = DecisionIn(**body.model_dump(exclude={"on_behalf_of"}))
    cmd = await decide_command(office.pool, user, decision, body.on_behalf_of)
    return await _send(office, user, project, DECIDE, ProjectWorkflow.decide, cmd, key)


async def report(office: Office, user: User, project: ProjectAccess, body: WeeklyReportIn,
                 key: str | None = None) -> Answer:  # fmt: skip
    await attachments.check_owned(office.pool, project.id, body.attachment_ids)
    cmd = ReportCommand(actor=actor(user), body=body)
    return await _send(office, user, project, REPORT, ProjectWorkflow.report, cmd, key)


async def submit_results(office: Office, user: User, project: ProjectAccess, body: ResultsIn,
                         key: str | None = None) -> Answer:  # fmt: skip
    await attachments.check_owned(office.pool, project.id, body.attachment_ids)
    cmd = ResultsCommand(actor=actor(user), body=body)
    return await _send(office, user, project, RESULTS, ProjectWorkflow.submit_results, cmd, key)


async def answer_acceptance(office: Office, user: User, project: ProjectAccess, body: AcceptanceIn,
                            key: str | None = None) -> Answer:  # fmt: skip
    await attachments.check_owned(office.pool, project.id, body.attachment_ids)
    cmd = AcceptanceCommand(actor=actor(user), body=body)
    return await _send(office, user, project, ACCEPT, ProjectWorkflow.answer_acceptance, cmd, key)


async def analyse_warning(office: Office, user: User, project: ProjectAccess, body: WarningAnalysisIn,
                          key: str | None = None) -> Answer:  # fmt: skip
    """Each measure's owner is named by user name (unknown or deactivated: 422)."""
    ANALYSE.check(user)
    cmd = await warning_analysis_command(office.pool, user, body)
    if project.stage == Stage.completed:  # a satisfaction warning raised by a revisit (issue 14)
        await office.update(f"revisit-{project.id}", RevisitWorkflow.analyse_warning, cmd, key, ServiceAck)
        return await view(office, user, project)
    return await _send(office, user, project, ANALYSE, ProjectWorkflow.analyse_warning, cmd, key)


async def cancel(office: Office, user: User, project: ProjectAccess, body: CancelIn,
                 key: str | None = None) -> Answer:  # fmt: skip
    cmd = CancelCommand(actor=actor(user), body=body)
    return await _send(office, user, project, OPERATE, ProjectWorkflow.cancel, cmd, key)


async def reassign(office: Office, user: User, project: ProjectAccess, body: ReassignIn,
                   key: str | None = None) -> Answer:  # fmt: skip
    """The new assignee is named by user name: an active user the project's work may go to."""
    OPERATE.check(user)
    cmd = await reassign_command(office.pool, user, body, project)
    return await _send(office, user, project, OPERATE, ProjectWorkflow.reassign, cmd, key)


async def extend_deadline(office: Office, user: User, project: ProjectAccess, body: ExtendDeadlineIn,
                          key: str | None = None) -> Answer:  # fmt: skip
    cmd = ExtendDeadlineCommand(actor=actor(user), body=body)
    return await _send(office, user, project, OPERATE, ProjectWorkflow.extend_deadline, cmd, key)


async def dispose_customer(office: Office, user: User, project: ProjectAccess, key: str | None = None) -> ProjectView:
    """Once the relationship has ended, overwrite the customer's personal data (RULES
    §Customer information); the disposal is appended to the project's history. No workflow
    is involved (`key` is unused): a second disposal is 409."""
    OPERATE.check(user)
    check_dispose(project.id, project.stage, False, actor(user))
    if not await dispose_after_relationship(office.pool, project.id, by_id=user.id, by_name=user.name,
                                            by_role=user.role.value):  # fmt: skip
        check_dispose(project.id, project.stage, True, actor(user))
    if office.files is not None:  # their documents go with them (marked in the same transaction)
        await attachments.purge(office.pool, office.files, project.id)
    return await view(office, user, project)


def is_revisit_measure(task: TaskRecord) -> bool:
    """Measures opened by a revisit's warning analysis are `<project>-rv<n>` (domain/revisit_after.py)."""
    return task.id.startswith(f"{task.project_id}-rv")


async def complete_task(office: Office, user: User, task_id: str, body: TaskCompleteIn,
                        key: str | None = None) -> TaskRecord:  # fmt: skip
    """The task's owner closes it with a resolution; answers with the task as recorded."""
    task = await rectification_task(office.pool, task_id)
    if task is None:
        raise NotFound(f"no rectification task {task_id}", "no_task", task_id=task_id)
    if task.owner_user_id != user.id:
        raise Forbidden(f"task {task_id} belongs to {task.owner_name}", "assigned_to", who=task.owner_name)
    closed = AlreadyDecided(f"task {task_id} is already {task.status}", "task_done", task_id=task_id)
    if task.status != "open" and key is None:
        raise closed
    cmd = CompleteTaskCommand(actor=actor(user), task_id=task_id, body=body)
    try:
        if is_revisit_measure(task):  # a measure of a satisfaction warning after completion
            await office.update(f"revisit-{task.project_id}", RevisitWorkflow.complete_task, cmd, key, ServiceAck)
        else:
            await office.update_project(task.project_id, ProjectWorkflow.complete_task, cmd, key)
    except Unavailable:
        raise
    except JinduError as err:
        if task.status != "open":  # not a retry the workflow recognised: it was closed before
            raise closed from err
        raise
    return await rectification_task(office.pool, task_id) or task
