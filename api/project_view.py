"""One project as the API shows it, composed from its records (store/reads.py).

KPIs of a running project are computed live with the same formulas the workflow uses
(domain/kpi.py), so a forecast moves with the calendar between recorded steps. What the
reader may not see (domain/visibility.py) is cut from the finished view, in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import asyncpg
from pydantic import BaseModel

from api.auth import CustomerAccess, actor, customer_access
from api.schemas import CustomerView, MilestoneView, PendingView, PlanView, ProjectView, WarningView, masked_customer
from domain.allowed_actions import allowed_actions
from domain.errors import NotFound
from domain.kpi import project_kpis
from domain.models import Role
from domain.project import Kpis, Milestone, Reporting
from domain.visibility import ViewPart, history_seen, withheld
from jindu.i18n import t
from store.crypto import DataCipher
from store.customers import customer_from_row
from store.reads import ProjectAccess, project_record
from store.users import User


def live_kpis(view: dict, created_at: datetime, milestones: list[dict], ratings: list[int], tz: ZoneInfo) -> Kpis:
    recorded = Kpis.model_validate(view.get("kpis") or {})
    if view.get("completed_at") or not milestones:
        return recorded
    assessment = view.get("assessment") or {}
    return project_kpis(
        started_on=created_at.astimezone(tz).date(),
        milestones=[Milestone(**m) for m in milestones],
        today=datetime.now(UTC).astimezone(tz).date(),
        finished_on=None,
        expected_cycle_days=assessment.get("expected_cycle_days"),
        ratings=ratings,
    )


async def project_view(pool: asyncpg.Pool, cipher: DataCipher, user: User, project: ProjectAccess,
                       tz: ZoneInfo) -> ProjectView:  # fmt: skip
    """The project as its reader may see it, read in one statement (store/project_record.py)."""
    view = await _view(pool, cipher, user, project, tz)
    view.allowed_actions = allowed_actions(view, actor(user))
    return seen_by(view, user.role)


async def _view(pool: asyncpg.Pool | asyncpg.Connection, cipher: DataCipher, user: User, project: ProjectAccess,
                tz: ZoneInfo) -> ProjectView:  # fmt: skip
    record = await project_record(pool, project.id, superseded=user.role.value == "auditor")  # one round trip
    if record is None:
        raise NotFound(f"no project {project.id}", "no_project", project_id=project.id)
    row, milestones, ratings = record.row, record.milestones, record.ratings
    view, assessment = row["view"] or {}, (row["view"] or {}).get("assessment") or {}
    pending = None
    if p := view.get("pending"):
        pending = PendingView(**p, description=t(f"web.pending.{p['kind']}"))
    warning = WarningView(**{k: v for k, v in (view.get("warning") or {}).items() if k in WarningView.model_fields})
    if warning.cause:
        warning.analysis = record.analysis
    plan = PlanView(**row["plan"], milestones=milestones) if row["plan"] else None
    customer = None
    access = customer_access(user, project)
    if access != CustomerAccess.none and record.customer is not None:
        data = customer_from_row(record.customer, cipher)
        customer = CustomerView(**data) if access == CustomerAccess.full else masked_customer(data)
    return ProjectView(
        id=row["id"], stage=row["stage"], department=row["department"], business_type=row["business_type"],
        channel=row["channel"], requirement=row["requirement"] or "", agent_id=row["agent_id"],
        agent_name=row["agent_name"], customer_user_id=row["customer_user_id"], risk_level=view.get("risk_level"),
        difficulty=assessment.get("difficulty"), expected_cycle_days=assessment.get("expected_cycle_days"),
        budget=assessment.get("budget"), expected_revenue=assessment.get("expected_revenue"),
        initiation_levels=view.get("initiation_levels") or [],
        pending=pending, plan=plan, milestones=[MilestoneView(**m) for m in milestones],
        approvals=record.approvals, tasks=record.tasks,
        reports=Reporting.model_validate(view.get("reports") or {}),
        kpis=live_kpis(view, row["created_at"], milestones, ratings, tz), warning=warning,
        overdue=row["overdue"], ratings=ratings, created_at=row["created_at"], updated_at=row["updated_at"],
        completed_at=row["completed_at"], archive_bundle_id=view.get("archive_bundle_id"),
        cancel_reason=row["cancel_reason"], customer=customer, history=record.history,
    )  # fmt: skip


# What each withheld part empties in the view (domain/visibility.py says who sees what).
WITHHELD_FIELDS: dict[ViewPart, dict[str, Any]] = {
    ViewPart.assessment: {"risk_level": None, "difficulty": None, "expected_cycle_days": None, "budget": None,
                          "expected_revenue": None, "initiation_levels": []},
    ViewPart.plan: {"plan": None},
    ViewPart.approvals: {"approvals": []},
    ViewPart.tasks: {"tasks": []},
    ViewPart.reports: {"reports": None},
    ViewPart.kpis: {"kpis": None},
    ViewPart.warning: {"warning": None},
    ViewPart.deadlines: {"overdue": None},
    ViewPart.risks: {},  # only in the history, which `history_seen` cuts
    ViewPart.closing: {"cancel_reason": None, "archive_bundle_id": None},
}  # fmt: skip


def seen_by(view: ProjectView, role: Role) -> ProjectView:
    """The view as a reader of `role` may see it: withheld parts emptied, the history cut."""
    kept = withheld(role)
    if not kept:
        return view
    update: dict[str, Any] = {"withheld": kept}
    for part in kept:
        update |= WITHHELD_FIELDS[part]
    if ViewPart.deadlines in kept and view.pending is not None:
        update["pending"] = view.pending.model_copy(update={"steps_done": 0})  # escalations fired are internal
    update["history"] = [s.step.model_copy(update={"data": s.data, "comment": s.comment})
                         for s in history_seen(role, view.history)]  # fmt: skip
    return view.model_copy(update=update)


M = TypeVar("M", bound=BaseModel)


def parts_seen_by(model: M, role: Role) -> M:
    """Any other model carrying parts of a project (the inbox's decision context) as a reader
    of `role` may see it: the withheld parts it has emptied."""
    fields = type(model).model_fields
    update = {k: v for part in withheld(role) for k, v in WITHHELD_FIELDS[part].items() if k in fields}
    return model.model_copy(update=update) if update else model
