"""The confirmation pages behind a process message's buttons (issue 15): `/act/<token>` for a
link whose subject is a process shows its template, applicant, step and form (what the
decision needs) and approves or rejects exactly that step, through the same use case as the
process page (jindu/services/processes.py). web/routes/act.py checks the link first (its
addressees, once, until it expires) and hands the process's links here."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from activities.render import process_facts, when
from api.deps import office_of
from domain.process_models import ProcessActionIn
from jindu.i18n import t
from jindu.process_words import node_label
from jindu.services import processes as uc
from store import action_links, process_reads
from store.action_links import ActionLink
from store.notice_briefs import process_brief
from web.api import attempt
from web.errors import Problem, problem
from web.render import page, timezone
from web.session import Visitor


async def _open(request: Request, visitor: Visitor, brief: dict[str, Any] | None, link: ActionLink) -> bool:
    """The process still waits at the link's step, on the visitor: a step transferred (转交) to
    someone else, or waiting first on a signer added before them (加签), no longer takes the
    old link; the new addressee's message carries links of its own."""
    if brief is None or brief.get("status") != "running" or brief.get("node_id") != link.gate:
        return False
    slots = (await process_reads.pending(request.app.state.pool, [brief["process_id"]])).get(brief["process_id"], [])
    return any(p.node == link.gate and p.waits_on(visitor.user) for p in slots)


async def confirmation(request: Request, visitor: Visitor, token: str, link: ActionLink, gone: Response, *,
                       status: int = 200, failure: Problem | None = None,
                       values: dict[str, str] | None = None) -> Response:  # fmt: skip
    """The page for one link, or `gone` when the process has left the link's step."""
    brief = await process_brief(request.app.state.pool, link.process_id)
    if brief is None or not await _open(request, visitor, brief, link):
        return gone
    node = node_label(brief.get("nodes") or [], link.gate, visitor.lang)
    row = {"key": "process.assigned.approval", "to_role": visitor.user.role.value,
           "params": {"name": node, "node": link.gate}}  # fmt: skip
    listed = process_facts(row, brief, visitor.lang)
    if brief.get("due_at"):
        listed.append((t("notify.fact.due", visitor.lang), when(brief["due_at"], visitor.lang, timezone(request))))
    return page(request, "act_process.html", visitor, status=status, link=link, token=token, failure=failure,
                facts=listed, values=values or {}, process_name=brief.get("template_name") or "",
                node=node)  # fmt: skip


async def decide(request: Request, visitor: Visitor, token: str, link: ActionLink, reason: str,
                 update_id: str) -> Response:  # fmt: skip
    """Approve or reject the step the link names (spent already); the links work again when
    nothing was decided because Temporal could not be reached."""
    assert link.process_id is not None
    if not await _open(request, visitor, await process_brief(request.app.state.pool, link.process_id), link):
        gone = Problem(410, t("act.gone_process.title", visitor.lang),
                       t("act.gone_process.text", visitor.lang, process_id=link.process_id))  # fmt: skip
        return page(request, "error.html", visitor, status=410, problem=gone)
    body = ProcessActionIn(action="approve" if link.action == "approve" else "reject", comment=reason)
    answer = await attempt(request, uc.act(office_of(request), visitor.user, link.process_id, body, update_id))
    if not answer.ok:
        if answer.status >= 500:
            await action_links.restore(request.app.state.pool, token)
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    return page(request, "act_process_done.html", visitor, link=link)
