"""Attachments' use cases: who may add a document to a project and who may read one back.

Anyone who may see the project and work on it may upload (not the auditor, who only
reads); a customer only their signed acceptance confirmation or a complaint's evidence.
Reading follows the project's visibility (RULES §visibility): a customer reads the
documents put to them, staff every document of a project they may see; another customer
is refused (403), whatever the id.
"""

from __future__ import annotations

from domain.attachments import CUSTOMER_KINDS, AttachmentKind, AttachmentPolicy, may_see
from domain.errors import Forbidden, NotFound, WrongStage
from domain.models import TERMINAL_STAGES, Role, Stage
from jindu.services.office import Office
from jindu.services.projects import Permit, visible_project
from store import attachments
from store.attachments import Attachment
from store.files import FileStore
from store.reads import ProjectAccess, project_access
from store.users import User

UPLOAD = Permit((Role.agent, Role.dept_head, Role.executive, Role.operations, Role.customer), "upload documents")
CUSTOMER_UPLOADS = frozenset({AttachmentKind.acceptance, AttachmentKind.complaint})
# After the work is done only a complaint's evidence still comes in.
CLOSED = TERMINAL_STAGES | {Stage.archiving}


def store_of(office: Office) -> FileStore:
    if office.files is None:
        raise RuntimeError("no attachment store configured for this office")
    return office.files


async def upload(office: Office, user: User, project: ProjectAccess, policy: AttachmentPolicy, *,
                 kind: AttachmentKind, filename: str, data: bytes) -> Attachment:  # fmt: skip
    UPLOAD.check(user)
    if user.role == Role.customer and kind not in CUSTOMER_UPLOADS:
        raise Forbidden(f"a customer may upload {', '.join(sorted(CUSTOMER_UPLOADS))} documents, not {kind.value}")
    if project.stage in CLOSED and kind != AttachmentKind.complaint:
        raise WrongStage(f"project {project.id} is {project.stage.value}: its documents are closed")
    return await attachments.add(office.pool, store_of(office), policy, project_id=project.id, kind=kind,
                                 filename=filename, data=data, by=user.id)  # fmt: skip


async def readable(office: Office, user: User, attachment_id: str) -> Attachment:
    """The attachment if `user` may read it."""
    found = await attachments.get(office.pool, attachment_id)
    if found is None:
        raise NotFound(f"no attachment {attachment_id}")
    project = await project_access(office.pool, found.project_id)
    if project is None:
        raise NotFound(f"no attachment {attachment_id}")
    if user.role == Role.customer and project.customer_user_id != user.id:
        raise Forbidden("this document belongs to another customer's project")
    await visible_project(office, user, project.id)
    if not may_see(found.kind, user.role == Role.customer):
        raise Forbidden(f"a customer sees {', '.join(sorted(CUSTOMER_KINDS))} documents, not {found.kind.value}")
    if found.disposed_at is not None:
        raise NotFound(f"attachment {attachment_id} was disposed of with the customer's data")
    return found


async def listed(office: Office, user: User, project: ProjectAccess) -> list[Attachment]:
    """The project's documents the reader may see, disposed ones included (marked)."""
    every = await attachments.of_project(office.pool, project.id)
    return [a for a in every if may_see(a.kind, user.role == Role.customer)]
