"""What operations see of a project in the Temporal Web UI: search attributes to filter on
and the current details, both from the project's state (ids, roles, staff names only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from temporalio import workflow
from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

from domain.project import ProjectState, Wait
from jindu.i18n import t
from jindu.wording import reasons
from workflows import search_attributes as sa

ATTRIBUTES: dict[str, SearchAttributeKey[Any]] = {key.name: key for key in sa.ALL}


def search_view(state: ProjectState) -> dict[str, Any]:
    """Attribute name → value; None unsets it."""
    pending = state.pending
    assignees = [w.label() for w in state.waits()]
    return {
        sa.STAGE.name: state.stage.value,
        sa.DEPARTMENT.name: state.department,
        sa.RISK.name: state.assessment.risk_level.value if state.assessment else None,
        sa.ASSIGNEES.name: sorted(set(assignees)),
        sa.DUE_AT.name: pending.due_at if pending else None,
        sa.OVERDUE.name: state.is_overdue(),
        sa.WARNING.name: state.warning.active,
    }


def upsert_changed(previous: dict[str, Any], state: ProjectState) -> dict[str, Any]:
    return upsert_view(previous, search_view(state))


def upsert_view(previous: dict[str, Any], view: dict[str, Any]) -> dict[str, Any]:
    """Upsert only the attributes that changed since `previous`; return the new view. (Values,
    not hashes, are kept: an upsert is a command in the history and must replay exactly.)"""
    updates: list[SearchAttributeUpdate[Any]] = []
    for name, value in view.items():
        if name in previous and previous[name] == value:
            continue
        if value is None:
            if name in previous:
                updates.append(ATTRIBUTES[name].value_unset())
        else:
            updates.append(ATTRIBUTES[name].value_set(value))
    if updates:
        workflow.upsert_search_attributes(updates)
    return view


def at_local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def waiting(wait: Wait, tz: ZoneInfo) -> str:
    late = " — 已逾期 overdue" if wait.overdue else ""
    return f"等待 awaiting {wait.label()}，截止 due {at_local(wait.due_at, tz)}{late}"


def details(state: ProjectState, tz: ZoneInfo, attention: str | None = None) -> str:
    """Markdown for the Web UI's current details."""
    lines = [f"**阶段 Stage:** {t(f'web.stage.{state.stage.value}')} {state.stage.value} · "
             f"**部门 Department:** {state.department} · **业务人员 Agent:** {state.agent.label()}"]  # fmt: skip
    if state.pending is not None:
        gate = f" ({state.pending.gate.value})" if state.pending.gate else ""
        named = f"{t(f'web.gate.{state.pending.gate.value}')} " if state.pending.gate else ""
        lines.append(f"{named}{state.pending.kind}{gate}: {waiting(state.pending, tz)}")
    if state.rectification.tasks:
        lines.append(f"整改任务 Open rectification tasks: {len(state.rectification.tasks)}")
    if state.warning.active:
        lines.append("进度异常预警 Progress warning: " + reasons(state.warning.reasons, "zh"))
    if attention:
        lines.append(f"⚠ 未能记录 Could not record: {attention}")
    return "\n\n".join(lines)
