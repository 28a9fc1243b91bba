"""Attachments' use cases: who may add a document to a project and who may read one back.

Anyone who may see the project and work on it may upload (not the auditor, who only
reads); a customer only their signed acceptance confirmation or a complaint's evidence.
Reading follows the project's visibility (RULES §visibility): a customer reads the
documents put to them, staff every document of a project they may see; another customer
is refused (403), whatever the id.

Process forms (issue 15) take files too: a member of staff uploads one first (their own upload,
under the same type and size rules), then sends its id in the form or a task's fields; the
file is then read by whoever may see that process, and by nobody else (403). So are the
signed scans sent with a customer's consent (issue 14): read by whoever may see the customer.
"""

from __future__ import annotations

from domain.attachments import CUSTOMER_KINDS, AttachmentKind, AttachmentPolicy, may_see
from domain.errors import Forbidden, NotFound, WrongStage
from domain.models import STAFF_ROLES, TERMINAL_STAGES, Role, Stage
from jindu.services.customer_desk import visible_customer
from jindu.services.office import Office
from jindu.services.projects import Permit, visible_project
from store import attachments, consent_files, process_reads
from store.attachments import Attachment
from store.files import FileStore
from store.reads import ProjectAccess, project_access
from store.users import User

OWN_UPLOAD = Permit(tuple(sorted(STAFF_ROLES)), "upload files for a process form")
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
        raise Forbidden(f"a customer may upload {', '.join(sorted(CUSTOMER_UPLOADS))} documents, not {kind.value}",
                        "customer_upload_kinds", kinds=sorted(CUSTOMER_UPLOADS), kind=kind.value)
    if project.stage in CLOSED and kind != AttachmentKind.complaint:
        raise WrongStage(f"project {project.id} is {project.stage.value}: its documents are closed",
                         "documents_closed", project_id=project.id, stage=project.stage.value)
    return await attachments.add(office.pool, store_of(office), policy, project_id=project.id, kind=kind,
                                 filename=filename, data=data, by=user.id)  # fmt: skip


async def upload_own(office: Office, user: User, policy: AttachmentPolicy, *, filename: str,
                     data: bytes) -> Attachment:  # fmt: skip
    """A file for a process form or task, kept as `user`'s own until it is sent with one."""
    OWN_UPLOAD.check(user)
    return await attachments.add(office.pool, store_of(office), policy, project_id=None, kind=AttachmentKind.other,
                                 filename=filename, data=data, by=user.id)  # fmt: skip


async def _process_readable(office: Office, user: User, found: Attachment) -> Attachment:
    if found.process_id is None:
        if found.uploaded_by != user.id:
            raise Forbidden("this file is someone else's upload, not sent with any process", "someone_elses_upload")
    elif await process_reads.process(office.pool, user, found.process_id) is None:
        raise Forbidden("this file belongs to a process you may not see", "process_file_hidden")
    if found.disposed_at is not None:
        raise NotFound(f"attachment {found.id} was disposed of", "file_disposed", attachment_id=found.id)
    return found


async def _consent_readable(office: Office, user: User, found: Attachment, customer_id: str) -> Attachment:
    """A consent's scan is read by whoever may see the customer (issue 14)."""

    try:
        await visible_customer(office, user, customer_id)
    except NotFound as err:
        raise Forbidden("this file belongs to a customer you may not see", "consent_file_hidden") from err
    if found.disposed_at is not None:
        raise NotFound(f"attachment {found.id} was disposed of", "file_disposed", attachment_id=found.id)
    return found


async def readable(office: Office, user: User, attachment_id: str) -> Attachment:
    """The attachment if `user` may read it."""
    found = await attachments.get(office.pool, attachment_id)
    if found is None:
        raise NotFound(f"no attachment {attachment_id}", "no_attachment", attachment_id=attachment_id)
    if found.project_id is None:
        customer_id = await consent_files.customer_of(office.pool, found.id) if found.process_id is None else None
        if customer_id is not None:
            return await _consent_readable(office, user, found, customer_id)
        return await _process_readable(office, user, found)
    project = await project_access(office.pool, found.project_id)
    if project is None:
        raise NotFound(f"no attachment {attachment_id}", "no_attachment", attachment_id=attachment_id)
    if user.role == Role.customer and project.customer_user_id != user.id:
        raise Forbidden("this document belongs to another customer's project", "other_customers_document")
    await visible_project(office, user, project.id)
    if not may_see(found.kind, user.role == Role.customer):
        raise Forbidden(f"a customer sees {', '.join(sorted(CUSTOMER_KINDS))} documents, not {found.kind.value}",
                        "customer_sees_kinds", kinds=sorted(CUSTOMER_KINDS), kind=found.kind.value)
    if found.disposed_at is not None:
        raise NotFound(f"attachment {attachment_id} was disposed of with the customer's data",
                       "document_disposed", attachment_id=attachment_id)
    return found


async def listed(office: Office, user: User, project: ProjectAccess) -> list[Attachment]:
    """The project's documents the reader may see, disposed ones included (marked)."""
    every = await attachments.of_project(office.pool, project.id)
    return [a for a in every if may_see(a.kind, user.role == Role.customer)]
