"""档案查询 over HTTP (001 业务归档流程): search archived projects, read a bundle, export it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import CurrentUser, Services, VisibleProject
from api.errors import responses
from domain.text import Name
from jindu.services import archive as uc
from store.archive_search import ArchivePage

router = APIRouter(tags=["archive"])


@router.get("/v1/archive", response_model=ArchivePage, summary="Search the archive 档案查询",
            responses=responses(401, 422))  # fmt: skip
async def get_archive(
    user: CurrentUser, office: Services,
    q: Annotated[str | None, Query(max_length=200, description="Words of the requirement or of a result summary "
                                   "(Chinese or not; every word must occur)")] = None,
    phone: Annotated[str | None, Query(max_length=30, description="The customer's phone, exactly "
                                                                 "(found by its blind index)")] = None,
    agent: Annotated[Name | None, Query(description="The agent's user name or id")] = None,
    business_type: Annotated[Name | None, Query(description="Only this business type")] = None,
    since: Annotated[date | None, Query(alias="from", description="Archived on or after this day (local)")] = None,
    until: Annotated[date | None, Query(alias="to", description="Archived on or before this day (local)")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 20,
    after: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")] = None,
) -> ArchivePage:  # fmt: skip
    """Archived projects, newest first, within the reader's scope: the whole archive for executive,
    operations and auditor, the department's for agents and dept_heads, a customer's own. A `q`
    that could be a phone number (digits, spaces, dashes, a leading +) finds the customer's
    phone as well as the text."""
    query = uc.ArchiveQuery(q=q, phone=phone, agent=agent, business_type=business_type, since=since, until=until,
                            after=after, limit=limit)  # fmt: skip
    return await uc.search(office, user, query)


@router.get("/v1/projects/{project_id}/archive", summary="An archived project's bundle with its documents",
            responses=responses(401, 403, 404))  # fmt: skip
async def get_bundle(project: VisibleProject, user: CurrentUser, office: Services) -> dict[str, Any]:
    """The bundle stored at archiving (customer reference, plan, operation records, results,
    acceptance …) and `documents` as held now (each downloads from `/v1/attachments/{id}`).
    Staff who may see the project; 404 before it is archived."""
    return await uc.bundle(office, user, project)


@router.get("/v1/projects/{project_id}/archive.zip", summary="Export a bundle as one ZIP",
            responses={200: {"content": {"application/zip": {}}}, **responses(401, 403, 404)})  # fmt: skip
async def get_bundle_zip(project: VisibleProject, user: CurrentUser, office: Services) -> Response:
    """`index.json`, `index.txt` and `documents/`. Auditor and operations."""
    data = await uc.export_zip(office, user, project)
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="archive-{project.id}.zip"', "X-Content-Type-Options": "nosniff",
    })  # fmt: skip
