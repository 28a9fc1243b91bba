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
                       "complaint", "reply", "confirmation", "revisit", "suggestion",
                       "reassign", "extend", "decide_for", "dispose", "risk_add", "risk_update"})
# What operations may do on a project page (docs/workspace.md §Safe operator actions).
OPERATOR_FORMS = ("decide_for", "reassign", "extend", "cancel", "dispose")
DEPARTMENT_BOUND = ("agent", "dept_head")
APPROVERS = ("dept_head", "executive")


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
    if _analysis_waits_on(view, user):
        forms.append("warning_analysis")
    if stage in REPORTING_STAGES and user.id == view.get("agent_id"):
        forms.append("report")
        if "results" not in forms and stage == "execution":
            forms.append("results")
    return list(dict.fromkeys(forms))


def _analysis_pending(view: dict[str, Any]) -> bool:
    warning = view.get("warning") or {}
    return bool(warning.get("active") and not warning.get("cause") and warning.get("analysis_due_at"))


def _analysis_waits_on(view: dict[str, Any], user: User) -> bool:
    if not _analysis_pending(view):
        return False
    assigned = (view.get("warning") or {}).get("analysis_user_id")
    if assigned:
        return bool(assigned == user.id)
    return user.role.value == "dept_head" and user.department == view.get("department")


def operator_waits(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The open waits operations may hand to someone else or give more time: the pending
    action, the warning's cause analysis, each open rectification task (`target` as the API
    names it)."""
    waits: list[dict[str, Any]] = []
    if view.get("stage") in ENDED:
        return waits
    if pending := view.get("pending"):
        waits.append({"target": "pending", "kind": pending["kind"], "gate": pending.get("gate"),
                      "role": pending["role"], "department": pending.get("department") or view.get("department"),
                      "user_id": pending.get("user_id"), "user_name": pending.get("user_name"),
                      "due_at": pending.get("due_at")})  # fmt: skip
    if _analysis_pending(view):
        warning = view["warning"]
        waits.append({"target": "warning_analysis", "kind": "warning_analysis", "role": "dept_head",
                      "department": view.get("department"), "user_id": warning.get("analysis_user_id"),
                      "user_name": None, "due_at": warning.get("analysis_due_at")})  # fmt: skip
    for task in open_tasks(view):
        waits.append({"target": f"task:{task['id']}", "kind": "task", "task": task, "role": task["owner_role"],
                      "department": task.get("department"), "user_id": task["owner_user_id"],
                      "user_name": task["owner_name"], "due_at": task["due_at"]})  # fmt: skip
    for wait in waits:
        wait["reassignable"] = wait["role"] != "customer"
        wait["candidates"] = candidate_key(wait["role"], wait["department"])
    return waits


def candidate_key(role: str, department: str | None) -> tuple[str, str | None]:
    """Whom work of this role may go to: the same role, and for an agent or a dept_head the
    same department (others could not see the project)."""
    return role, department if role in DEPARTMENT_BOUND else None


def operator_forms(view: dict[str, Any], user: User) -> list[str]:
    """The operator forms to show: none to anyone but operations."""
    if user.role.value != "operations":
        return []
    stage, pending = view.get("stage"), view.get("pending") or {}
    forms = []
    if pending.get("kind") == "approval" and pending.get("role") in APPROVERS:
        forms.append("decide_for")
    if operator_waits(view):
        forms += ["reassign", "extend"]
    if stage not in ENDED and stage != "archiving":
        forms.append("cancel")
    if stage in ENDED and not any(e.get("kind") == "customer_data_disposed" for e in view.get("history") or []):
        forms.append("dispose")
    return forms


def keeps_risks(view: dict[str, Any], user: User) -> bool:
    """The project's agent and the department's head keep the register until archiving."""
    if view.get("stage") in ENDED or view.get("stage") == "archiving":
        return False
    if user.role.value == "dept_head":
        return user.department == view.get("department")
    pending = view.get("pending") or {}
    return user.role.value == "agent" and user.id in (view.get("agent_id"), pending.get("user_id"))


def open_tasks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in view.get("tasks") or [] if t.get("status") == "open"]


def gate_history(view: dict[str, Any], gate: str | None) -> list[dict[str, Any]]:
    """What earlier levels decided on this gate (the latest round first)."""
    return [a for a in reversed(view.get("approvals") or []) if gate is None or a.get("gate") == gate]
