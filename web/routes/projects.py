"""Projects: the list, intake, one project's page and every action form on it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import FormData

from api.deps import office_of
from api.routes.customer_follow_ups import start_following
from domain.commands import (
    AcceptanceIn,
    AssessmentIn,
    CancelIn,
    PlanIn,
    ResultsIn,
    TaskCompleteIn,
    WarningAnalysisIn,
    WeeklyReportIn,
)
from domain.costs import CostIn
from domain.customers import ProjectIntakeIn
from domain.models import Role
from domain.operator_commands import ExtendDeadlineIn, ReassignIn
from domain.risk_commands import RiskIn, RiskPatchIn
from jindu.i18n import translator
from jindu.services import attachments, costs, deals, overview, risks, users
from jindu.services import projects as uc
from jindu.services.intake import record_consultation
from jindu.services.office import Office
from store.customer_master import Customer
from store.reads import ProjectAccess
from store.users import User
from web import forms
from web.api import Answer, as_body, attempt, seg
from web.charts import gantt
from web.customer_forms import SPLIT_ROWS
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
UseCase = Callable[..., Awaitable[BaseModel]]
# action name in the page URL → (form fields → body, the body's type, the use case): the
# same use cases the API's routes call (api/routes/actions.py, operations.py).
ACTIONS: dict[str, tuple[Callable[[FormData], dict[str, Any]], type[BaseModel] | None, UseCase]] = {
    "assessment": (forms.assessment, AssessmentIn, uc.assess),
    "plan": (forms.plan, PlanIn, uc.submit_plan),
    "decision": (forms.decision, uc.DecisionRequest, uc.decide),
    "report": (forms.report, WeeklyReportIn, uc.report),
    "results": (forms.results, ResultsIn, uc.submit_results),
    "acceptance": (forms.acceptance, AcceptanceIn, uc.answer_acceptance),
    "warning_analysis": (forms.warning_analysis, WarningAnalysisIn, uc.analyse_warning),
    "cancel": (forms.cancel, CancelIn, uc.cancel),
    "decide_for": (forms.decide_for, uc.DecisionRequest, uc.decide),
    "reassign": (forms.reassign, ReassignIn, uc.reassign),
    "extend": (forms.extend, ExtendDeadlineIn, uc.extend_deadline),
    "dispose": (forms.dispose, None, uc.dispose_customer),
}
FILTERS = ("stage", "department", "overdue", "warning")
PAGE_SIZE = 20
CANDIDATES = 200


@router.get("/projects")
async def project_list(request: Request, visitor: SignedIn, offset: int = 0) -> Response:
    filters = {k: request.query_params.get(k) for k in FILTERS}
    query = {**{k: v for k, v in filters.items() if v}, "limit": PAGE_SIZE, "offset": max(offset, 0)}

    async def listing() -> BaseModel:
        return await overview.project_list(office_of(request), visitor.user, as_body(overview.ProjectQuery, query))

    answer = await attempt(request, listing())
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "projects.html", visitor, listing=answer.body, filters=filters, page_size=PAGE_SIZE)


@router.get("/projects/new")
async def intake_form(request: Request, visitor: SignedIn) -> Response:
    return page(request, "intake.html", visitor, values={}, problem=None)


@router.post("/projects/new")
async def intake(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)

    async def follow(customer: Customer) -> None:
        await start_following(request, customer)

    async def recording() -> BaseModel:
        body = as_body(ProjectIntakeIn, forms.intake(form))
        return (await record_consultation(office_of(request).briefly(), visitor.user, body, follow=follow,
                                          task_queue=request.app.state.settings.task_queue,
                                          key=visitor.api.key("intake")))[1]  # fmt: skip

    answer = await attempt(request, recording())
    if answer.ok:
        return RedirectResponse(f"/projects/{answer.body['id']}?done=intake", status_code=303)
    return page(request, "intake.html", visitor, status=answer.status, values=forms.values(form),
                problem=problem(answer, visitor.lang))


async def _visible(request: Request, visitor: Visitor, project_id: str) -> tuple[Office, Answer]:
    """The project, if the visitor may see it (`Answer.result`), or why not."""
    office = office_of(request)
    return office, await attempt(request, uc.visible_project(office, visitor.user, project_id))


async def project_page(request: Request, visitor: Visitor, project_id: str, *, status: int = 200,
                       failed_form: str | None = None, failure: Problem | None = None,
                       values: dict[str, Any] | None = None, done: str = "") -> Response:
    office, found = await _visible(request, visitor, project_id)
    answer = await attempt(request, uc.view(office, visitor.user, found.result)) if found.ok else found
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    view = answer.body
    offered = offered_forms(view)
    operator = operator_forms(view)
    personal = failed_form in ACTIONS and failed_form not in OPERATOR_FORMS
    if failed_form and personal and failed_form not in offered:
        offered.insert(0, failed_form)
    waits = operator_waits(view, visitor.user) if operator else []
    return page(
        request, "project.html", visitor, status=status, view=view, steps=step_bar(view["stage"]),
        offered=offered, tasks=open_tasks(view), approvals=gate_history(view, None),
        failed_form=failed_form, failure=failure, values=values or {}, done=done,
        milestone_rows=forms.MILESTONE_ROWS, measure_rows=forms.MEASURE_ROWS,
        operator=operator, operator_failed=failed_form in OPERATOR_FORMS, waits=waits,
        candidates=await _candidates(request, visitor, view, waits, operator),
        risks=await _risks(request, office, visitor.user, found.result), keeps_risks=keeps_risks(view),
        costs=await _costs(request, office, visitor.user, found.result),
        records_costs=costs.records(office, visitor.user, found.result), today=datetime.now(office.tz).date(),
        deal=await deals.panel(office, visitor.user, found.result), split_rows=SPLIT_ROWS,
        documents=[d.model_dump(mode="json") for d in await attachments.listed(office, visitor.user, found.result)],
        gantt=gantt(view.get("milestones") or [], view.get("created_at"), datetime.now(office.tz).date(),
                    translator(visitor.lang)),
    )


async def _candidates(request: Request, visitor: Visitor, view: dict[str, Any], waits: list[dict[str, Any]],
                      operator: list[str]) -> dict[tuple[str, str | None], list[dict[str, Any]]]:  # fmt: skip
    """Active users each wait may be handed to, and the approvers a decision may be taken for."""
    wanted = {w["candidates"] for w in waits if w["reassignable"]}
    if "decide_for" in operator:
        pending = view["pending"]
        wanted.add(candidate_key(pending["role"], pending.get("department") or view["department"]))
    found: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for role, department in sorted(wanted, key=str):
        listing = users.list_users(office_of(request), visitor.user, role=Role(role), department=department,
                                   active=True, limit=CANDIDATES)  # fmt: skip
        answer = await attempt(request, listing)
        found[(role, department)] = answer.body["items"] if answer.ok else []
    return found


async def _risks(request: Request, office: Office, user: User, project: ProjectAccess) -> list[dict[str, Any]] | None:
    """The register, for the staff who may read it (None: not shown)."""
    answer = await attempt(request, risks.register(office, user, project))
    return answer.body if answer.ok else None


async def _costs(request: Request, office: Office, user: User, project: ProjectAccess) -> dict[str, Any] | None:
    """The costs against the budget, for the project's staff (None: not shown)."""
    answer = await attempt(request, costs.sheet(office, user, project))
    return answer.body if answer.ok else None


@router.get("/projects/{project_id}")
async def project(request: Request, project_id: str, visitor: SignedIn, done: str = "") -> Response:
    return await project_page(request, visitor, project_id, done=done if done in DONE_KEYS else "")


Use = Callable[[Office, ProjectAccess, FormData, str | None], Awaitable[BaseModel]]


async def _submit(request: Request, visitor: Visitor, project_id: str, failed_form: str, key: tuple[str, ...],
                  use: Use, done: Callable[[Answer, FormData], str]) -> Response:  # fmt: skip
    """A submitted form: its use case run on the visible project (keyed by the form's id, so
    a form sent twice applies once), then the page it names; a refusal shows the project
    page again with the form, its values and the reasons."""
    form = await check_csrf(request, visitor)
    office, found = await _visible(request, visitor, project_id)
    office = office.briefly()  # the answer is a redirect: the project is not read back for it

    async def run() -> BaseModel:  # inside `attempt`: a body the form cannot make is refused there
        return await use(office, found.result, form, visitor.api.key(*key))

    answer = await attempt(request, run()) if found.ok else found
    if answer.ok:
        return RedirectResponse(done(answer, form), status_code=303)
    return await project_page(request, visitor, project_id, status=answer.status, failed_form=failed_form,
                              failure=problem(answer, visitor.lang), values=forms.values(form))


@router.post("/projects/{project_id}/actions/{action}")
async def act(request: Request, project_id: str, action: str, visitor: SignedIn) -> Response:
    if action not in ACTIONS:
        await check_csrf(request, visitor)
        return page(request, "error.html", visitor, status=404, problem=Problem(404, "", ""))
    build, model, use = ACTIONS[action]

    async def run(office: Office, project: ProjectAccess, form: FormData, key: str | None) -> BaseModel:
        body = {} if model is None else {"body": as_body(model, build(form))}
        return await use(office, visitor.user, project, key=key, **body)

    def done(answer: Answer, form: FormData) -> str:
        back = safe_next(str(form.get("next") or f"/projects/{seg(project_id)}"))
        return f"{back}{'&' if '?' in back else '?'}done={action}"

    return await _submit(request, visitor, project_id, action, (action, project_id), run, done)


@router.post("/projects/{project_id}/tasks/{task_id}/complete")
async def complete_task(request: Request, project_id: str, task_id: str, visitor: SignedIn) -> Response:
    return await _submit(
        request, visitor, project_id, f"task:{task_id}", ("task", task_id),
        lambda office, _, form, key: uc.complete_task(office, visitor.user, task_id,
                                                       as_body(TaskCompleteIn, forms.task(form)), key),
        lambda *_: f"/projects/{seg(project_id)}?done=task",
    )  # fmt: skip


@router.post("/projects/{project_id}/risks")
async def add_risk(request: Request, project_id: str, visitor: SignedIn) -> Response:
    return await _submit(
        request, visitor, project_id, "risk_add", ("risk_add", project_id),
        lambda office, project, form, key: risks.add_risk(office, visitor.user, project,
                                                          as_body(RiskIn, forms.risk(form)), key),
        lambda added, _: f"/projects/{seg(project_id)}?done=risk_add#risk-{seg(added.body['id'])}",
    )  # fmt: skip


@router.post("/projects/{project_id}/risks/{risk_id}")
async def change_risk(request: Request, project_id: str, risk_id: str, visitor: SignedIn) -> Response:
    return await _submit(
        request, visitor, project_id, f"risk:{risk_id}", ("risk_update", risk_id),
        lambda office, project, form, key: risks.change_risk(office, visitor.user, project, risk_id,
                                                             as_body(RiskPatchIn, forms.risk_change(form)), key),
        lambda *_: f"/projects/{seg(project_id)}?done=risk_update#risk-{seg(risk_id)}",
    )  # fmt: skip


@router.post("/projects/{project_id}/costs")
async def record_cost(request: Request, project_id: str, visitor: SignedIn) -> Response:
    """A cost 成本 from the project page: the API's use case (jindu/services/costs.py)."""
    return await _submit(
        request, visitor, project_id, "cost", ("cost", project_id),
        lambda office, project, form, key: costs.record_cost(office, visitor.user, project,
                                                             as_body(CostIn, forms.cost(form)), key),
        lambda *_: f"/projects/{seg(project_id)}?done=cost#costs",
    )  # fmt: skip
