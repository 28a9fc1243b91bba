"""通知记录 (issue 17): every delivery of every notification, as operations need to see it:
sent, failing with the platform's error code (and when it is tried next), or given up.
Operations only; a page at a time, newest first, two queries whatever the page shows."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from activities.render import params_in
from domain.models import Role
from jindu.i18n import MissingMessage, t
from store import deliveries
from web.errors import Problem
from web.render import page, timezone
from web.session import SignedIn

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 30
CHANNELS = ("wecom", "dingtalk", "feishu", "email", "log")


def subject_of(key: str, params: dict[str, Any], lang: str, request: Request) -> str:
    """The notification's subject as its reader saw it (a missing parameter reads empty)."""
    try:
        values = defaultdict(str, params_in(lang, params or {}, timezone(request)))
        return t(f"{key}.subject", lang).format_map(values)
    except (MissingMessage, ValueError, IndexError):
        return key


@router.get("/notifications")
async def notification_log(request: Request, visitor: SignedIn, state: str = "", channel: str = "",
                           project: str = "", offset: int = 0) -> Response:  # fmt: skip
    lang = visitor.lang
    if visitor.user.role != Role.operations:
        return page(request, "error.html", visitor, status=403,
                    problem=Problem(403, t("notices.forbidden", lang), ""))  # fmt: skip
    filters = {"state": state if state in deliveries.STATES else "", "channel": channel if channel in CHANNELS else "",
               "project": project.strip()[:64]}  # fmt: skip
    pool = request.app.state.pool
    rows, total = await deliveries.page_of(pool, state=filters["state"] or None, channel=filters["channel"] or None,
                                           project_id=filters["project"] or None, limit=PAGE_SIZE,
                                           offset=max(offset, 0))  # fmt: skip
    items = [{**r.model_dump(), "subject": subject_of(r.key, r.params, lang, request)} for r in rows]
    return page(request, "notifications.html", visitor, items=items, counts=await deliveries.counts(pool),
                filters=filters, channels=CHANNELS, states=deliveries.STATES,
                listing={"offset": max(offset, 0), "total": total}, page_size=PAGE_SIZE)  # fmt: skip
