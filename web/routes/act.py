"""Confirmation pages behind the buttons in messages (issue 17): `/act/<token>` shows exactly one
action (approve or reject one gate of one project) with what the decision needs; approving takes
one press, rejecting needs a reason. The link works only for its addressees (anyone else is
asked to sign in as one of them), once, and until it expires (store/action_links.py). The
decision goes through the same use case as the project page's form (jindu/services/projects.py);
a process's links are answered by web/routes/act_process.py."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from activities.render import facts
from api.deps import office_of
from jindu.i18n import t
from jindu.services import projects as uc
from store import action_links
from store.action_links import ActionLink
from store.notice_briefs import project_brief
from web.api import attempt
from web.errors import Problem, problem
from web.render import page, timezone
from web.routes import act_process
from web.session import SignedIn, Visitor, check_csrf

router = APIRouter(include_in_schema=False)


def _update_key(token: str) -> str:
    """One decision per link, named by the link's hash (the token itself never reaches Temporal)."""
    return "act-" + action_links.digest(token).hex()[:40]


def _refusal(request: Request, visitor: Visitor, status: int, what: str, **params: Any) -> Response:
    lang = visitor.lang
    refused = Problem(status, t(f"act.{what}.title", lang), t(f"act.{what}.text", lang, **params))
    return page(request, "error.html", visitor, status=status, problem=refused)


def _gone(request: Request, visitor: Visitor, link: ActionLink) -> Response:
    if link.process_id:
        return _refusal(request, visitor, 410, "gone_process", process_id=link.process_id)
    return _refusal(request, visitor, 410, "gone", project_id=link.project_id)


async def _usable(request: Request, visitor: Visitor, token: str) -> ActionLink | Response:
    link = await action_links.find(request.app.state.pool, token)
    if link is None:
        return _refusal(request, visitor, 404, "unknown")
    if visitor.user.id not in link.user_ids:
        names = await request.app.state.pool.fetch("SELECT name FROM users WHERE id = ANY($1) ORDER BY name",
                                                   link.user_ids)  # fmt: skip
        return _refusal(request, visitor, 403, "not_yours", names="、".join(r["name"] for r in names))
    if not link.usable(datetime.now(UTC)):
        return _gone(request, visitor, link)
    return link


async def _confirmation(request: Request, visitor: Visitor, token: str, link: ActionLink, *, status: int = 200,
                        failure: Problem | None = None, values: dict[str, str] | None = None) -> Response:  # fmt: skip
    brief = await project_brief(request.app.state.pool, link.project_id)
    due = brief.get("pending_due_at") if brief and brief.get("pending_gate") == link.gate else None
    row = {"key": "notify.assigned.approval", "to_role": visitor.user.role.value,
           "params": {"gate": link.gate, "due_at": due.isoformat() if due else None}}  # fmt: skip
    listed = facts(row, brief, visitor.lang, timezone(request), with_due=True)
    return page(request, "act.html", visitor, status=status, link=link, token=token, failure=failure,
                facts=listed, values=values or {})  # fmt: skip


@router.get("/act/{token}")
async def confirm(request: Request, token: str, visitor: SignedIn) -> Response:
    found = await _usable(request, visitor, token)
    if isinstance(found, Response):
        return found
    if found.process_id:
        gone = _gone(request, visitor, found)
        return await act_process.confirmation(request, visitor, token, found, gone)
    return await _confirmation(request, visitor, token, found)


@router.post("/act/{token}")
async def act(request: Request, token: str, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    found = await _usable(request, visitor, token)
    if isinstance(found, Response):
        return found
    reason = str(form.get("comment") or "").strip()
    if found.action == "reject" and not reason:  # said before anything is sent
        missing = Problem(422, t("act.reason_missing", visitor.lang), fields={"comment": t("act.reason_missing",
                                                                                           visitor.lang)})
        if found.process_id:
            gone = _gone(request, visitor, found)
            return await act_process.confirmation(request, visitor, token, found, gone, status=422, failure=missing)
        return await _confirmation(request, visitor, token, found, status=422, failure=missing)
    pool = request.app.state.pool
    link = await action_links.spend(pool, token, visitor.user.id)
    if link is None:  # spent by a twin press a moment ago
        return _gone(request, visitor, found)
    if link.process_id:
        return await act_process.decide(request, visitor, token, link, reason, _update_key(token))
    assert link.project_id is not None
    office = office_of(request).briefly()  # the page says what was done: the project is not read back for it
    body = uc.DecisionRequest(gate=link.gate, decision=link.action, comment=reason)
    visible = await attempt(request, uc.visible_project(office, visitor.user, link.project_id))
    answer = (await attempt(request, uc.decide(office, visitor.user, visible.result, body, _update_key(token)))
              if visible.ok else visible)  # fmt: skip
    if not answer.ok:
        if answer.status >= 500:  # nothing was decided: the links work again
            await action_links.restore(pool, token)
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "act_done.html", visitor, link=link)
