"""Feedback's use cases: the revisit 回访 of a completed project (RULES §lifecycle 11) and
deciding on suggestions 建议 (003 §4.3). The API (api/routes/revisits.py, suggestions.py)
and the workspace call these."""

from __future__ import annotations

from api.auth import actor
from domain.errors import AlreadyDecided, Forbidden, NotFound, WrongStage
from domain.models import Role
from domain.revisits import revisit_id
from domain.service_models import RevisitCommand, RevisitIn, RevisitStatus, ServiceAck, SuggestionDecisionIn
from jindu.services.office import Office
from jindu.services.projects import Permit
from store.feedback import RevisitView, SuggestionView, decide_suggestion, revisit_of, suggestion
from store.reads import ProjectAccess
from store.users import User
from workflows.revisit import RevisitWorkflow

REVISIT = Permit((Role.agent,), "record revisits")
ADOPT = Permit((Role.dept_head, Role.operations), "decide on suggestions")


async def revisit(office: Office, project: ProjectAccess) -> RevisitView:
    """Who owes it, when it opens and is due, and once done what the customer said."""
    found = await revisit_of(office.pool, project.id, history=True)
    if found is None:
        raise NotFound(f"project {project.id} has no revisit: it has not completed")
    return found


async def record_revisit(office: Office, user: User, project: ProjectAccess, body: RevisitIn,
                         key: str | None = None) -> RevisitView:  # fmt: skip
    """The revisit task's assignee records the customer's rating, comments and suggestions."""
    REVISIT.check(user)
    found = await revisit_of(office.pool, project.id)
    if found is None:
        raise WrongStage(f"project {project.id} is {project.stage.value}: it has no revisit before it completes")
    if found.status == RevisitStatus.done.value:
        raise AlreadyDecided(f"the revisit of project {project.id} is already recorded")
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
        raise NotFound(f"no suggestion {suggestion_id}")
    if user.role == Role.dept_head and (found.department is None or found.department != user.department):
        raise Forbidden(f"suggestion {suggestion_id} is not of department {user.department}")
    if not await decide_suggestion(office.pool, suggestion_id, adopted=body.adopted, by_id=user.id, by_name=user.name,
                                   comment=body.comment):  # fmt: skip
        raise AlreadyDecided(f"suggestion {suggestion_id} is already decided")
    decided = await suggestion(office.pool, suggestion_id)
    assert decided is not None
    return decided
