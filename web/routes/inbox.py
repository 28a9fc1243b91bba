"""My inbox: what waits on me, soonest due first, with what each decision needs."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.api import seg
from web.errors import problem
from web.render import page
from web.session import SignedIn
from web.views import DONE_KEYS

router = APIRouter(include_in_schema=False)


@router.get("/")
async def inbox(request: Request, visitor: SignedIn, done: str = "") -> Response:
    answer = await visitor.api.get("/v1/tasks")
    if not answer.ok:
        return page(request, "error.html", visitor, status=answer.status, problem=problem(answer, visitor.lang))
    items = answer.body["items"]
    ids = list(dict.fromkeys(item["project_id"] for item in items if item["project_id"]))
    views = await asyncio.gather(*(visitor.api.get(f"/v1/projects/{seg(pid)}") for pid in ids))
    projects = {pid: v.body for pid, v in zip(ids, views, strict=True) if v.ok}
    return page(request, "inbox.html", visitor, items=items, projects=projects,
                done=done if done in DONE_KEYS else "")
