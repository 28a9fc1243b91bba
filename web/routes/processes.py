"""Processes in the workspace (issue 15), phone-sized and Chinese first: 发起审批 (the templates
one may start, and one's own instances), a form rendered from the template, the instance page
with its flow diagram, history and the actions open to the reader, and for operations a
template page with each version's diagram and a validator for an uploaded file. Reading,
starting and acting go through the use cases the API calls (jindu/services/processes.py,
process_catalogue.py)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from api.deps import office_of
from domain.attachments import ALLOWED
from domain.flaws import Flaw, codes
from domain.process_models import ProcessActionIn
from domain.process_template import TemplateInvalid, parse
from jindu.i18n import t
from jindu.process_words import node_labels
from jindu.services import attachments as files_uc
from jindu.services import process_catalogue as catalogue
from jindu.services import processes as uc
from store.process_reads import Pending
from web.api import Answer, as_body, attempt, seg
from web.errors import Problem, problem
from web.flaws import sentences
from web.process_diagram import diagram
from web.render import TEMPLATES, page
from web.routes.files import MAX_FILES
from web.session import SignedIn, Visitor, check_csrf

router = APIRouter(include_in_schema=False)
MAX_TEMPLATE_BYTES = 200_000
STATUSES = ("running", "completed", "rejected", "withdrawn", "terminated")
ACTIONS = ("approve", "reject", "return", "withdraw", "transfer", "add_signer", "urge", "comment", "complete")
STATES = ("done", "current", "todo")
STEPS = ("process_started", "node_entered", "node_decided", "task_done", "node_passed", "condition_evaluated",
         "cc_sent", "returned", "transferred", "signer_added", "urged", "commented", "node_timed_out",
         "node_escalated", "process_ended")  # fmt: skip


def labels(lang: str) -> dict[str, dict[str, str]]:
    """The catalogue's words for values a page shows (looked up here, so every key is named)."""
    return {"status": {v: t(f"process.web.status.{v}", lang) for v in STATUSES},
            "action": {v: t(f"process.web.action.{v}", lang) for v in ACTIONS},
            "state": {v: t(f"process.web.state.{v}", lang) for v in STATES},
            "step": {v: t(f"process.web.step.{v}", lang) for v in STEPS}}  # fmt: skip


def _error_page(request: Request, visitor: Visitor, answer: Any) -> Response:
    return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))


@router.get("/processes")
async def start_page(request: Request, visitor: SignedIn) -> Response:
    office = office_of(request)
    templates = await attempt(request, catalogue.templates(office, visitor.user))
    if not templates.ok:
        return _error_page(request, visitor, templates)
    mine = await attempt(request, catalogue.instances(office, visitor.user, catalogue.ProcessQuery(mine=True)))
    role = visitor.user.role.value
    startable = [x for x in templates.body["items"] if role in x["template"].get("starters", [])]
    return page(request, "processes.html", visitor, templates=startable, all_templates=templates.body["items"],
                mine=mine.body["items"] if mine.ok else [], labels=labels(visitor.lang))  # fmt: skip


async def _versions(request: Request, visitor: Visitor, key: str) -> Answer:
    return await attempt(request, catalogue.template_versions(office_of(request), visitor.user, key))


async def _template(request: Request, visitor: Visitor, key: str) -> dict[str, Any] | None:
    answer = await _versions(request, visitor, key)
    return answer.body[-1] if answer.ok and answer.body else None


async def _form_values(request: Request, visitor: Visitor, fields: list[dict[str, Any]],
                       form: FormData) -> dict[str, Any]:  # fmt: skip
    """A posted form as the template's values, empty fields left out; the files of an
    `attachment` field uploaded as the visitor's own (the same rules as a project's documents),
    their ids sent in its place."""
    out: dict[str, Any] = {}
    policy = request.app.state.policy.attachments
    for f in fields:
        if f["type"] == "attachment":
            ids = [(await files_uc.upload_own(office_of(request), visitor.user, policy, filename=file.filename,
                                              data=await file.read(policy.max_file_bytes + 1))).id
                   for file in form.getlist(f["key"]) if isinstance(file, UploadFile) and file.filename]  # fmt: skip
            if ids:
                out[f["key"]] = list(dict.fromkeys(ids))
            continue
        raw = str(form.get(f["key"]) or "").strip()
        if raw:
            out[f["key"]] = raw
    return out


def accepted_files() -> str:
    """The file picker's `accept`: what domain/attachments.py lets in (the bytes decide, on upload)."""
    others = sorted(ext for ctype, exts in ALLOWED.items() if not ctype.startswith("image/") for ext in exts)
    return ",".join(["image/*", "application/pdf", *others])


TEMPLATES.env.globals["process_accept"] = accepted_files()


@router.get("/processes/new/{key}")
async def new_page(request: Request, visitor: SignedIn, key: str) -> Response:
    found = await _template(request, visitor, key)
    if found is None:
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "404", key))
    return page(request, "process_new.html", visitor, tpl=found, values={}, problem=None)


@router.post("/processes/new/{key}")
async def start(request: Request, visitor: SignedIn, key: str) -> Response:
    await request.form(max_files=MAX_FILES, max_fields=200)  # parsed once, with its files; then the CSRF check
    form = await check_csrf(request, visitor)
    found = await _template(request, visitor, key)
    if found is None:
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "404", key))

    async def starting() -> Any:
        values = await _form_values(request, visitor, found["template"]["form"], form)
        body = as_body(uc.ProcessStartIn, {"template": key, "form": values})
        return (await uc.start(office_of(request), visitor.user, body, request.app.state.settings.task_queue,
                               visitor.api.key("process-start", key)))[1]  # fmt: skip

    answer = await attempt(request, starting())
    if answer.ok:
        return RedirectResponse(f"/processes/{answer.body['id']}", status_code=303)
    return page(request, "process_new.html", visitor, status=answer.status, tpl=found,
                values={k: v for k, v in form.items() if isinstance(v, str)},
                problem=problem(answer, visitor.lang))  # fmt: skip


def _offered(view: dict[str, Any], visitor: Visitor) -> list[str]:
    """The actions to show: the rules decide (the update's validator), this only hides the
    obviously irrelevant ones."""
    if view["status"] != "running":
        return []
    me = visitor.user
    mine = any(Pending(**p).waits_on(me) for p in view["pending"])
    node = next((n for n in view["nodes"] if n.get("id") == view["node_id"]), {})
    offered = []
    if mine:
        offered += ["approve", "reject"] if node.get("type") == "approval" else ["complete"]
        offered += ["return", "transfer", "add_signer"]
    if view["applicant_id"] == me.id:
        offered += ["withdraw", "urge"]
    return [*offered, "comment"]


def _task_files(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The files sent with tasks' fields (the form's own are linked where the form shows them)."""
    kinds = {f["key"]: f.get("type") for f in view["form_fields"]}
    in_form = {ref for k, v in view["form"].items() if kinds.get(k) == "attachment" for ref in v}
    return [f for f in view["files"] if f["id"] not in in_form]


async def _instance(request: Request, visitor: Visitor, pid: str, status: int = 200,
                    failure: Problem | None = None) -> Response:  # fmt: skip
    answer = await attempt(request, uc.visible(office_of(request), visitor.user, pid))
    if not answer.ok:
        return _error_page(request, visitor, answer)
    view = answer.body
    flow = diagram(view["nodes"], view["history"], view["node_id"], view["status"], visitor.lang)
    node = next((n for n in view["nodes"] if n.get("id") == view["node_id"]), None)
    return page(request, "process.html", visitor, status=status, view=view, flow=flow, flow_json=json.dumps(flow),
                node=node, offered=_offered(view, visitor), failure=failure, labels=labels(visitor.lang),
                files={f["id"]: f for f in view["files"]}, task_files=_task_files(view),
                node_names=node_labels(view["nodes"], visitor.lang))  # fmt: skip


@router.get("/processes/{pid}")
async def instance_page(request: Request, visitor: SignedIn, pid: str) -> Response:
    return await _instance(request, visitor, pid)


@router.post("/processes/{pid}/act")
async def act(request: Request, visitor: SignedIn, pid: str) -> Response:
    await request.form(max_files=MAX_FILES, max_fields=200)
    form = await check_csrf(request, visitor)
    action = str(form.get("action") or "")
    body: dict[str, Any] = {"action": action, "comment": str(form.get("comment") or "")}
    for name in ("to_user", "to_node", "position"):
        if str(form.get(name) or "").strip():
            body[name] = str(form.get(name)).strip()

    async def acting() -> Any:
        if action == "complete":
            view = await uc.visible(office_of(request), visitor.user, pid)  # the task's own fields, not the form's word
            node = next((n for n in view.nodes if n.get("id") == view.node_id), {})
            body["fields"] = await _form_values(request, visitor, node.get("fields") or [], form)
        return await uc.act(office_of(request), visitor.user, pid, as_body(ProcessActionIn, body),
                            visitor.api.key("process-act", pid, action))  # fmt: skip

    answer = await attempt(request, acting())
    if answer.ok:
        return RedirectResponse(f"/processes/{seg(pid)}", status_code=303)
    return await _instance(request, visitor, pid, answer.status, problem(answer, visitor.lang))


@router.get("/process-templates/{key}")
async def template_page(request: Request, visitor: SignedIn, key: str) -> Response:
    answer = await _versions(request, visitor, key)
    if not answer.ok:
        return _error_page(request, visitor, answer)
    versions = [{**v, "flow_json": json.dumps(diagram(v["template"]["nodes"], lang=visitor.lang))}
                for v in reversed(answer.body)]  # fmt: skip
    return page(request, "process_template.html", visitor, key=key, versions=versions, checked=None)


@router.post("/process-templates/{key}/validate")
async def validate(request: Request, visitor: SignedIn, key: str) -> Response:
    """Check an uploaded template file; nothing is stored."""
    form = await request.form(max_files=1, max_fields=10)
    if not hmac.compare_digest(str(form.get("csrf") or "").encode(), visitor.csrf.encode()):
        return page(request, "error.html", visitor, status=403, problem=Problem(403, "403", "csrf"))
    upload = form.get("file")
    raw = await upload.read(MAX_TEMPLATE_BYTES + 1) if upload is not None and not isinstance(upload, str) else b""
    try:
        if len(raw) > MAX_TEMPLATE_BYTES:
            raise TemplateInvalid.of([Flaw("file_too_big", "", str(MAX_TEMPLATE_BYTES),
                                           f"the file is over {MAX_TEMPLATE_BYTES} bytes")])  # fmt: skip
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            raise TemplateInvalid.of([Flaw("not_json", "", detail=f"not JSON: {err}")]) from None
        t = parse(data)
        checked = {"ok": True, "key": t.key, "n": len(t.nodes), "errors": []}
    except TemplateInvalid as err:  # each flaw in the reader's words (the parser's own in English)
        checked = {"ok": False, "errors": sentences(codes(err.flaws), visitor.lang)}
    answer = await _versions(request, visitor, key)
    versions = [{**v, "flow_json": json.dumps(diagram(v["template"]["nodes"], lang=visitor.lang))}
                for v in reversed(answer.body)] if answer.ok else []  # fmt: skip
    return page(request, "process_template.html", visitor, key=key, versions=versions, checked=checked)
