"""Attachments 附件 over HTTP: upload a document to a project, list them, download one.

The bytes go to the file store (store/files.py), never to Temporal: results, acceptance
and reports carry only the returned `id` in `attachment_ids`; a process form's `attachment`
fields (issue 15) the ids of files uploaded with `POST /v1/attachments`.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, UploadFile
from fastapi.responses import StreamingResponse

from api.deps import CurrentUser, Policy, Services, StaffUser, VisibleProject
from api.errors import responses
from api.idempotency import IdempotencyKey
from domain.attachments import AttachmentKind, Refused, size_text
from jindu.services import attachments as uc
from store.attachments import Attachment

router = APIRouter(tags=["attachments"])
AttachmentId = Annotated[str, Path(description="An attachment id", pattern=r"^att-[0-9a-f]{16}$")]
READ_CHUNK = 1024 * 1024
SHOWN = {"id", "name", "size", "sha256", "content_type", "kind", "uploaded_at"}


async def read_capped(file: UploadFile, cap: int) -> bytes:
    """At most `cap + 1` bytes: enough to tell a file is over the limit without reading it all."""
    parts, held = [], 0
    while held <= cap:
        chunk = await file.read(min(READ_CHUNK, cap + 1 - held))
        if not chunk:
            break
        parts.append(chunk)
        held += len(chunk)
    return b"".join(parts)


@router.post("/v1/projects/{project_id}/attachments", status_code=201, response_model=Attachment,
             response_model_include=SHOWN, summary="Upload a document or photo",
             responses=responses(401, 403, 404, 409, 422))  # fmt: skip
async def post_attachment(project: VisibleProject, user: CurrentUser, office: Services, policy: Policy,
                          file: Annotated[UploadFile, File(description="The document (photo, PDF, office file)")],
                          kind: Annotated[AttachmentKind, Form(description="What the document is for")],
                          key: IdempotencyKey = None) -> Attachment:  # fmt: skip
    """Multipart `file` and `kind`. The type is decided from the bytes (an .exe renamed .pdf is
    refused, 422); photos (JPEG, PNG, HEIC, WebP, GIF), PDF and office documents only. Over the
    policy's per-file or per-project limits: 422. A customer may upload `acceptance` (the signed
    验收确认书) and `complaint` documents to their own project; the auditor none. An upload is
    idempotent by its content: the same bytes of the same kind again (with or without the same
    `Idempotency-Key`) answer the attachment already held."""
    data = await read_capped(file, policy.attachments.max_file_bytes)
    if len(data) > policy.attachments.max_file_bytes:
        raise Refused(f"a file may be at most {size_text(policy.attachments.max_file_bytes)}",
                      "file_too_large", size=size_text(policy.attachments.max_file_bytes))
    return await uc.upload(office, user, project, policy.attachments, kind=kind, filename=file.filename or "",
                           data=data)  # fmt: skip


@router.post("/v1/attachments", status_code=201, response_model=Attachment, response_model_include=SHOWN,
             summary="Upload a file for a process form", responses=responses(401, 403, 422))  # fmt: skip
async def post_own_attachment(user: StaffUser, office: Services, policy: Policy,
                              file: Annotated[UploadFile, File(description="The document or photo")],
                              key: IdempotencyKey = None) -> Attachment:  # fmt: skip
    """Multipart `file`, under the same rules as a project's documents (type from the bytes,
    the policy's size limits; the same bytes again answer the same upload). The answer's `id`
    goes in an `attachment` field of `POST /v1/processes` or a task's `complete`; until then
    only the uploader may read it, afterwards whoever may see that process (403 for others)."""
    data = await read_capped(file, policy.attachments.max_file_bytes)
    return await uc.upload_own(office, user, policy.attachments, filename=file.filename or "", data=data)


@router.get("/v1/projects/{project_id}/attachments", response_model=list[Attachment],
            summary="The project's documents", responses=responses(401, 403, 404))  # fmt: skip
async def get_attachments(project: VisibleProject, user: CurrentUser, office: Services) -> list[Attachment]:
    """Oldest first, disposed ones included with `disposed_at`; a customer sees the documents put to them."""
    return await uc.listed(office, user, project)


def disposition(name: str) -> str:
    """Always a download, never shown inline; the UTF-8 name for browsers, an ASCII one for the rest."""
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/v1/attachments/{attachment_id}", summary="Download a document",
            responses={200: {"content": {"application/octet-stream": {}}}, **responses(401, 403, 404)})  # fmt: skip
async def get_attachment(attachment_id: AttachmentId, user: CurrentUser, office: Services) -> StreamingResponse:
    """Streams the file to whoever may see its project (403 for another customer) or its process
    (403 for anyone else; an upload not yet sent, to its uploader only) as a download
    (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`)."""
    found = await uc.readable(office, user, attachment_id)
    return StreamingResponse(
        uc.store_of(office).stream(found.sha256), media_type=found.content_type,
        headers={"Content-Disposition": disposition(found.name), "X-Content-Type-Options": "nosniff",
                 "Content-Length": str(found.size), "Cache-Control": "private, no-store",
                 "Content-Security-Policy": "sandbox", "ETag": f'"{found.sha256}"'},
    )  # fmt: skip
