"""What a page shows of the API's data: the lifecycle step bar and which action forms the
visitor is offered. Offering a form decides nothing: the API answers every submission."""

from __future__ import annotations

from typing import Any

from store.users import User

LIFECYCLE = ("intake", "assessment", "initiation_approval", "planning", "plan_approval", "execution",
             "result_review", "rectification", "customer_acceptance", "archiving", "completed")
ENDED = ("completed", "declined", "cancelled")
REPORTING_STAGES = ("execution", "rectification")
# What a redirect after a successful action may announce (`?done=<key>`, web.done.<key>).
DONE_KEYS = frozenset({"decision", "assessment", "plan", "report", "results", "acceptance", "task",
                       "warning_analysis", "cancel", "intake", "user", "contact",
                       "complaint", "reply", "confirmation", "revisit", "suggestion"})


def step_bar(stage: str) -> list[dict[str, str]]:
    """Each lifecycle stage as done, current or todo; a declined or cancelled project ends
    where it stopped."""
    if stage in LIFECYCLE:
        current = LIFECYCLE.index(stage)
        return [{"stage": s, "state": "done" if i < current or stage == "completed" else
                 "current" if i == current else "todo"} for i, s in enumerate(LIFECYCLE)]
    return [{"stage": s, "state": "todo"} for s in LIFECYCLE] + [{"stage": stage, "state": "current"}]


def _waits_on(pending: dict[str, Any] | None, user: User, view: dict[str, Any]) -> bool:
    if not pending:
        return False
    if pending.get("user_id"):
        return pending["user_id"] == user.id
    return pending.get("role") == user.role.value and (
        user.role.value == "executive" or pending.get("department") == user.department)


def offered_forms(view: dict[str, Any], user: User) -> list[str]:
    """The action forms to show the visitor, most pressing first."""
    forms: list[str] = []
    pending, stage = view.get("pending"), view.get("stage")
    if _waits_on(pending, user, view):
        kind = pending["kind"]
        forms.append({"approval": "decision", "rectification": "results"}.get(kind, kind))
    warning = view.get("warning") or {}
    if warning.get("pending") and _waits_on(warning["pending"], user, view):
        forms.append("warning_analysis")
    if stage in REPORTING_STAGES and user.id == view.get("agent_id"):
        forms.append("report")
        if "results" not in forms and stage == "execution":
            forms.append("results")
    if user.role.value == "operations" and stage not in ENDED:
        forms.append("cancel")
    return list(dict.fromkeys(forms))


def open_tasks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in view.get("tasks") or [] if t.get("status") == "open"]


def gate_history(view: dict[str, Any], gate: str | None) -> list[dict[str, Any]]:
    """What earlier levels decided on this gate (the latest round first)."""
    return [a for a in reversed(view.get("approvals") or []) if gate is None or a.get("gate") == gate]
