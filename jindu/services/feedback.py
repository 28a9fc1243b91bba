"""Feedback's use cases: the revisit 回访 of a completed project (RULES §lifecycle 11) and
deciding on suggestions 建议 (003 §4.3). The API (api/routes/revisits.py, suggestions.py)
and the workspace call these."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from api.auth import actor
from domain import revisits
from domain.errors import AlreadyDecided, Forbidden, NotFound, WrongStage
from domain.models import STAFF_ROLES, Role
from domain.revisits import revisit_id
from domain.service_models import RevisitCommand, RevisitIn, RevisitStatus, ServiceAck, SuggestionDecisionIn
from domain.text import Name
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.feedback import (
    RevisitView,
    SuggestionPage,
    SuggestionView,
    decide_suggestion,
    list_suggestions,
    revisit_of,
    suggestion,
)
from store.reads import MAX_OFFSET, ProjectAccess
from store.users import User
from workflows.revisit import RevisitWorkflow

REVISIT = Permit((Role.agent, Role.customer_service), "record revisits")
ADOPT = Permit((Role.dept_head, Role.operations), "decide on suggestions")
READ = Permit(tuple(sorted(STAFF_ROLES)), "see staff views")


async def revisit(office: Office, project: ProjectAccess) -> RevisitView:
    """Who owes it, when it opens and is due, and once done what the customer said."""
    found = await revisit_of(office.pool, project.id, history=True)
    if found is None:
        raise NotFound(f"project {project.id} has no revisit: it has not completed",
                       "no_revisit", project_id=project.id)
    return found


def may_record(user: User, view: RevisitView) -> bool:
    """Whether `user` is the open revisit's assignee: its agent, or customer service of its
    department (or the company's) when the policy gave it to them (domain/revisits.py)."""
    return view.status != RevisitStatus.done.value and revisits.is_assignee(
        Role(view.assignee_role), view.assignee_user_id, view.department, actor(user))


async def record_revisit(office: Office, user: User, project: ProjectAccess, body: RevisitIn,
                         key: str | None = None) -> RevisitView:  # fmt: skip
    """The revisit task's assignee records the customer's rating, comments and suggestions."""
    REVISIT.check(user)
    found = await revisit_of(office.pool, project.id)
    if found is None:
        raise WrongStage(f"project {project.id} is {project.stage.value}: it has no revisit before it completes",
                         "revisit_not_yet", project_id=project.id, stage=project.stage.value)
    if found.status == RevisitStatus.done.value:
        raise AlreadyDecided(f"the revisit of project {project.id} is already recorded",
                             "revisit_recorded", project_id=project.id)
    cmd = RevisitCommand(actor=actor(user), body=body)
    await office.update(revisit_id(project.id), RevisitWorkflow.submit, cmd, key, ServiceAck)
    return await revisit(office, project)


async def decide_on_suggestion(office: Office, user: User, suggestion_id: str,
                               body: SuggestionDecisionIn) -> SuggestionView:  # fmt: skip
    """The department's dept_head, or operations (alone for one without a department), marks
    it adopted or not, once."""
    ADOPT.check(user)
    found = await suggestion(office.pool, suggestion_id)
    if found is None:
        raise NotFound(f"no suggestion {suggestion_id}", "no_suggestion", suggestion_id=suggestion_id)
    if user.role == Role.dept_head and (found.department is None or found.department != user.department):
        raise Forbidden(f"suggestion {suggestion_id} is not of department {user.department}",
                        "suggestion_other_department", suggestion_id=suggestion_id, department=user.department)
    if not await decide_suggestion(office.pool, suggestion_id, adopted=body.adopted, by_id=user.id, by_name=user.name,
                                   comment=body.comment):  # fmt: skip
        raise AlreadyDecided(f"suggestion {suggestion_id} is already decided",
                             "suggestion_decided", suggestion_id=suggestion_id)
    decided = await suggestion(office.pool, suggestion_id)
    assert decided is not None
    return decided


class SuggestionQuery(BaseModel):
    department: Name | None = Field(default=None, description="Only this department's suggestions")
    source: Literal["complaint", "revisit"] | None = Field(default=None, description="Only from complaints or "
                                                                                     "revisits")
    decision: Literal["undecided", "adopted", "not_adopted"] | None = Field(
        default=None, description="Only undecided, adopted or not adopted ones")
    limit: int = Field(default=20, ge=1, le=100, description="Page size")
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="Items to skip")


async def suggestions_page(office: Office, user: User, q: SuggestionQuery) -> SuggestionPage:
    """Staff only, newest first; agents and dept_heads see their own department's."""
    READ.check(user)
    department = q.department
    if user.role in (Role.agent, Role.dept_head):
        if department is not None and department != user.department:
            raise Forbidden(f"a {user.role.value} of {user.department} cannot list {department}",
                            "cannot_list", role=user.role.value, department=user.department, theirs=department)
        department = user.department
    return await list_suggestions(office.pool, department=department, source=q.source, decision=q.decision,
                                  limit=q.limit, offset=q.offset)  # fmt: skip
