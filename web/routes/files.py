"""Documents in the workspace: results, acceptance and reports sent with files (a phone's
camera included), a document downloaded with the session, and 档案查询.

A form with files posts to `…/actions/<action>/with-files`: the form's other fields are
checked first, then each file is uploaded (jindu/services/attachments.py) and its id sent
with the same use case the plain form calls, keyed by the form's id so a form sent twice
applies once (the same bytes again are the same attachment).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from api.deps import office_of
from api.routes.attachments import disposition
from domain.attachments import AttachmentKind, Refused, size_text
from domain.models import Role
from jindu.services import archive as archive_uc
from jindu.services import attachments as uc
from web import forms
from web.api import as_body, attempt, seg
from web.errors import Problem, problem
from web.render import TEMPLATES, page
from web.routes.projects import ACTIONS, _visible, project_page
from web.session import SignedIn, check_csrf, safe_next

router = APIRouter(include_in_schema=False)
# Which forms take files, and what their files are.
FILE_KINDS = {"results": AttachmentKind.results, "acceptance": AttachmentKind.acceptance,
              "report": AttachmentKind.report}  # fmt: skip
MAX_FILES = 10
TEMPLATES.env.globals["size_text"] = size_text  # the forms' hint names the policy's limit


async def _read(file: UploadFile, cap: int) -> bytes:
    data = await file.read(cap + 1)
    if len(data) > cap:
        raise Refused(f"a file may be at most {size_text(cap)}", "file_too_large", size=size_text(cap))
    return data


@router.post("/projects/{project_id}/actions/{action}/with-files")
async def act_with_files(request: Request, project_id: str, action: str, visitor: SignedIn) -> Response:
    policy = request.app.state.policy.attachments
    await request.form(max_files=MAX_FILES, max_fields=200)  # parsed once, with its files; then the CSRF check
    form = await check_csrf(request, visitor)
    if action not in FILE_KINDS:
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "", ""))
    build, model, use = ACTIONS[action]
    assert model is not None
    office, found = await _visible(request, visitor, project_id)

    async def run() -> BaseModel:
        fields = build(form)
        as_body(model, fields)  # the rest of the form is sound before any file is kept
        ids = list(fields.get("attachment_ids") or [])
        for file in form.getlist("files"):
            if isinstance(file, UploadFile) and file.filename:
                added = await uc.upload(office, visitor.user, found.result, policy, kind=FILE_KINDS[action],
                                        filename=file.filename, data=await _read(file, policy.max_file_bytes))
                ids.append(added.id)
        body = as_body(model, {**fields, "attachment_ids": list(dict.fromkeys(ids))})
        return await use(office, visitor.user, found.result, key=visitor.api.key(action, project_id), body=body)

    answer = await attempt(request, run()) if found.ok else found
    if answer.ok:
        back = safe_next(str(form.get("next") or f"/projects/{seg(project_id)}"))
        return RedirectResponse(f"{back}{'&' if '?' in back else '?'}done={action}", status_code=303)
    return await project_page(request, visitor, project_id, status=answer.status, failed_form=action,
                              failure=problem(answer, visitor.lang), values=forms.values(form))  # fmt: skip


@router.get("/files/{attachment_id}")
async def download(request: Request, attachment_id: str, visitor: SignedIn) -> Response:
    office = office_of(request)
    answer = await attempt(request, uc.readable(office, visitor.user, attachment_id))
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    found = answer.result
    return StreamingResponse(uc.store_of(office).stream(found.sha256), media_type=found.content_type, headers={
        "Content-Disposition": disposition(found.name), "X-Content-Type-Options": "nosniff",
        "Content-Length": str(found.size), "Cache-Control": "private, no-store", "Content-Security-Policy": "sandbox",
    })  # fmt: skip


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/archive")
async def archive_search(request: Request, visitor: SignedIn) -> Response:
    params = {k: (request.query_params.get(k) or "").strip() for k in ("q", "phone", "agent", "business_type",
                                                                        "from", "to", "after")}  # fmt: skip
    searched = any(params[k] for k in ("q", "phone", "agent", "business_type", "from", "to"))
    query = archive_uc.ArchiveQuery(q=params["q"] or None, phone=params["phone"] or None,
                                    agent=params["agent"] or None, business_type=params["business_type"] or None,
                                    since=_day(params["from"]), until=_day(params["to"]),
                                    after=params["after"] or None)  # fmt: skip
    answer = await attempt(request, archive_uc.search(office_of(request), visitor.user, query))
    failure = None if answer.ok else problem(answer, visitor.lang)
    return page(request, "archive.html", visitor, status=answer.status, params=params, searched=searched,
                hits=answer.body["items"] if answer.ok else [], next_cursor=answer.body.get("next_cursor")
                if answer.ok else None, failure=failure,
                exports=visitor.user.role in archive_uc.EXPORT.roles, customer=visitor.user.role == Role.customer)


@router.get("/archive/{project_id}.zip")
async def archive_zip(request: Request, project_id: str, visitor: SignedIn) -> Response:
    office, found = await _visible(request, visitor, project_id)
    if found.ok:
        try:
            data = await archive_uc.export_zip(office, visitor.user, found.result)
        except Exception as exc:  # answered as the API would (403, 404)
            found = await attempt(request, _raise(exc))
        else:
            return Response(data, media_type="application/zip", headers={
                "Content-Disposition": f'attachment; filename="archive-{project_id}.zip"',
                "X-Content-Type-Options": "nosniff"})  # fmt: skip
    return page(request, "error.html", visitor, status=found.status, problem=problem(found, visitor.lang))


async def _raise(exc: Exception) -> None:
    raise exc
