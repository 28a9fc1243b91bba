"""Projects: the list, intake, one project's page and every action form on it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web import forms
from web.api import seg
from web.errors import Problem, problem
from web.render import page
from web.session import SignedIn, Visitor, check_csrf, safe_next
from web.views import (
    DONE_KEYS,
    OPERATOR_FORMS,
    candidate_key,
    gate_history,
    keeps_risks,
    offered_forms,
    open_tasks,
    operator_forms,
    operator_waits,
    step_bar,
)

router = APIRouter(include_in_schema=False)
FILTERS = ("stage", "department", "overdue", "warning")
PAGE_SIZE = 20
CANDIDATES = 200


@router.get("/projects")
async def project_list(request: Request, visitor: SignedIn, offset: int = 0) -> Response:
    filters = {k: request.query_params.get(k) for k in FILTERS}
    answer = await visitor.api.get("/v1/projects", {**filters, "limit": PAGE_SIZE, "offset": max(offset, 0)})
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "projects.html", visitor, listing=answer.body, filters=filters, page_size=PAGE_SIZE)


@router.get("/projects/new")
async def intake_form(request: Request, visitor: SignedIn) -> Response:
    return page(request, "intake.html", visitor, values={}, problem=None)


@router.post("/projects/new")
async def intake(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    answer = await visitor.api.post("/v1/projects", forms.intake(form))
    if answer.ok:
        return RedirectResponse(f"/projects/{answer.body['id']}?done=intake", status_code=303)
    return page(request, "intake.html", visitor, status=answer.status, values=forms.values(form),
                problem=problem(answer, visitor.lang))


async def project_page(request: Request, visitor: Visitor, project_id: str, *, status: int = 200,
                       failed_form: str | None = None, failure: Problem | None = None,
                       values: dict[str, Any] | None = None, done: str = "") -> Response:
    answer = await visitor.api.get(f"/v1/projects/{seg(project_id)}")
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    view = answer.body
    offered = offered_forms(view, visitor.user)
    operator = operator_forms(view, visitor.user)
    personal = failed_form in forms.ACTIONS and failed_form not in OPERATOR_FORMS
    if failed_form and personal and failed_form not in offered:
        offered.insert(0, failed_form)
    waits = operator_waits(view) if operator else []
    return page(
        request, "project.html", visitor, status=status, view=view, steps=step_bar(view["stage"]),
        offered=offered, tasks=open_tasks(view), approvals=gate_history(view, None),
        failed_form=failed_form, failure=failure, values=values or {}, done=done,
        milestone_rows=forms.MILESTONE_ROWS, measure_rows=forms.MEASURE_ROWS,
        operator=operator, operator_failed=failed_form in OPERATOR_FORMS, waits=waits,
        candidates=await _candidates(visitor, view, waits, operator),
        risks=await _risks(visitor, project_id), keeps_risks=keeps_risks(view, visitor.user),
    )


async def _candidates(visitor: Visitor, view: dict[str, Any], waits: list[dict[str, Any]],
                      operator: list[str]) -> dict[tuple[str, str | None], list[dict[str, Any]]]:  # fmt: skip
    """Active users each wait may be handed to, and the approvers a decision may be taken for."""
    wanted = {w["candidates"] for w in waits if w["reassignable"]}
    if "decide_for" in operator:
        pending = view["pending"]
        wanted.add(candidate_key(pending["role"], pending.get("department") or view["department"]))
    found: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for role, department in sorted(wanted, key=str):
        answer = await visitor.api.get("/v1/users", {"role": role, "department": department, "active": "true",
                                                     "limit": CANDIDATES})  # fmt: skip
        found[(role, department)] = answer.body["items"] if answer.ok else []
    return found


async def _risks(visitor: Visitor, project_id: str) -> list[dict[str, Any]] | None:
    """The register, for the staff who may read it (None: not shown)."""
    if visitor.user.role.value == "customer":
        return None
    answer = await visitor.api.get(f"/v1/projects/{seg(project_id)}/risks")
    return answer.body if answer.ok else None


@router.get("/projects/{project_id}")
async def project(request: Request, project_id: str, visitor: SignedIn, done: str = "") -> Response:
    return await project_page(request, visitor, project_id, done=done if done in DONE_KEYS else "")


@router.post("/projects/{project_id}/actions/{action}")
async def act(request: Request, project_id: str, action: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    if action not in forms.ACTIONS:
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "", ""))
    path, build = forms.ACTIONS[action]
    answer = await visitor.api.post(f"/v1/projects/{seg(project_id)}/{path}", build(form))
    if answer.ok:
        back = safe_next(str(form.get("next") or f"/projects/{seg(project_id)}"))
        joiner = "&" if "?" in back else "?"
        return RedirectResponse(f"{back}{joiner}done={action}", status_code=303)
    return await project_page(request, visitor, project_id, status=answer.status, failed_form=action,
                              failure=problem(answer, visitor.lang), values=forms.values(form))


@router.post("/projects/{project_id}/tasks/{task_id}/complete")
async def complete_task(request: Request, project_id: str, task_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    answer = await visitor.api.post(f"/v1/tasks/{seg(task_id)}/complete", forms.task(form))
    if answer.ok:
        return RedirectResponse(f"/projects/{seg(project_id)}?done=task", status_code=303)
    return await project_page(request, visitor, project_id, status=answer.status, failed_form=f"task:{task_id}",
                              failure=problem(answer, visitor.lang), values=forms.values(form))


@router.post("/projects/{project_id}/risks")
async def add_risk(request: Request, project_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    answer = await visitor.api.post(f"/v1/projects/{seg(project_id)}/risks", forms.risk(form))
    if answer.ok:
        return RedirectResponse(f"/projects/{seg(project_id)}?done=risk_add#risk-{seg(answer.body['id'])}",
                                status_code=303)  # fmt: skip
    return await project_page(request, visitor, project_id, status=answer.status, failed_form="risk_add",
                              failure=problem(answer, visitor.lang), values=forms.values(form))


@router.post("/projects/{project_id}/risks/{risk_id}")
async def change_risk(request: Request, project_id: str, risk_id: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    answer = await visitor.api.patch(f"/v1/projects/{seg(project_id)}/risks/{seg(risk_id)}", forms.risk_change(form))
    if answer.ok:
        return RedirectResponse(f"/projects/{seg(project_id)}?done=risk_update#risk-{seg(risk_id)}", status_code=303)
    return await project_page(request, visitor, project_id, status=answer.status, failed_form=f"risk:{risk_id}",
                              failure=problem(answer, visitor.lang), values=forms.values(form))
