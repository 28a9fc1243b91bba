"""The operations dashboard (issue 8): projects by stage, overdue and warning counts per
department, and escalations this week. An addition to the contract (the use case:
jindu/services/overview.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import Services, role
from api.errors import responses
from jindu.services.overview import WATCH, Dashboard, dashboard
from store.users import User

router = APIRouter(prefix="/v1/dashboard", tags=["dashboard"])
Watcher = Annotated[User, role(*WATCH.roles, action=WATCH.action)]


@router.get("", response_model=Dashboard, summary="Projects by stage and department, overdue, warnings, escalations",
            responses=responses(401, 403))
async def get_dashboard(user: Watcher, office: Services) -> Dashboard:
    """Operations, executives and auditors: the whole company at a glance, from the read model."""
    return await dashboard(office, user)
