"""What a page shows of a project: the lifecycle step bar and the action forms the visitor
is offered. Which actions a person may take comes with the project view
(`allowed_actions`, computed from the domain's guards in domain/allowed_actions.py); the
pages only sort them into forms and restate no rule. Offering a form decides nothing: the
use case answers every submission."""

from __future__ import annotations

from typing import Any

from api.auth import actor
from domain.allowed_actions import LIFECYCLE, OPERATOR_ACTIONS, ProjectFacts, candidates, handovers
from domain.models import Role
from store.users import User

# What a redirect after a successful action may announce (`?done=<key>`, web.done.<key>).
DONE_KEYS = frozenset({"decision", "assessment", "plan", "report", "results", "acceptance", "task",
                       "warning_analysis", "cancel", "intake", "user", "contact",
                       "complaint", "reply", "confirmation", "revisit", "suggestion",
                       "reassign", "extend", "decide_for", "dispose", "risk_add", "risk_update", "cost",
                       "deal", "confirm_deal"})
OPERATOR_FORMS = OPERATOR_ACTIONS
_NOT_A_FORM = ("task:", "risk_")  # closed on the task itself, kept in the register section


def step_bar(stage: str) -> list[dict[str, str]]:
    """Each lifecycle stage as done, current or todo; a project that ended early ends where
    it stopped."""
    names = [s.value for s in LIFECYCLE]
    if stage in names:
        current = names.index(stage)
        return [{"stage": s, "state": "done" if i < current or stage == names[-1] else
                 "current" if i == current else "todo"} for i, s in enumerate(names)]  # fmt: skip
    return [{"stage": s, "state": "todo"} for s in names] + [{"stage": stage, "state": "current"}]


def _allowed(view: dict[str, Any]) -> list[str]:
    return list(view.get("allowed_actions") or [])


def offered_forms(view: dict[str, Any]) -> list[str]:
    """The visitor's own action forms, most pressing first."""
    return [a for a in _allowed(view) if a not in OPERATOR_ACTIONS and not a.startswith(_NOT_A_FORM)]


def operator_forms(view: dict[str, Any]) -> list[str]:
    """The operator forms to show (operations' actions the project allows now)."""
    return [a for a in _allowed(view) if a in OPERATOR_ACTIONS]


def keeps_risks(view: dict[str, Any]) -> bool:
    return "risk_add" in _allowed(view)


def closes_task(view: dict[str, Any], task_id: str) -> bool:
    return f"task:{task_id}" in _allowed(view)


def operator_waits(view: dict[str, Any], user: User) -> list[dict[str, Any]]:
    """The open waits operations may hand to someone else or give more time: the pending
    action, the warning's cause analysis, each open rectification task (`target` as the API
    names it), with whom each may go to."""
    may = handovers(ProjectFacts.model_validate(view), actor(user))
    waits: list[dict[str, Any]] = []
    pending, warning = view.get("pending") or {}, view.get("warning") or {}
    for target, reassignable in may.items():
        if target == "pending":
            wait = {"kind": pending["kind"], "gate": pending.get("gate"), "role": pending["role"],
                    "department": pending.get("department") or view.get("department"),
                    "user_id": pending.get("user_id"), "user_name": pending.get("user_name"),
                    "due_at": pending.get("due_at")}  # fmt: skip
        elif target == "warning_analysis":
            wait = {"kind": "warning_analysis", "role": Role.dept_head.value, "department": view.get("department"),
                    "user_id": warning.get("analysis_user_id"), "user_name": None,
                    "due_at": warning.get("analysis_due_at")}  # fmt: skip
        else:
            task = next(t for t in open_tasks(view) if f"task:{t['id']}" == target)
            wait = {"kind": "task", "task": task, "role": task["owner_role"], "department": task.get("department"),
                    "user_id": task["owner_user_id"], "user_name": task["owner_name"], "due_at": task["due_at"]}
        waits.append({"target": target, **wait, "reassignable": reassignable,
                      "candidates": candidate_key(wait["role"], wait["department"])})  # fmt: skip
    return waits


def candidate_key(role: str, department: str | None) -> tuple[str, str | None]:
    """Whom work of this role may go to (domain/allowed_actions.py `candidates`)."""
    found_role, found_department = candidates(Role(role), department)
    return found_role.value, found_department


def open_tasks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in view.get("tasks") or [] if t.get("status") == "open"]


def gate_history(view: dict[str, Any], gate: str | None) -> list[dict[str, Any]]:
    """What earlier levels decided on this gate (the latest round first)."""
    return [a for a in reversed(view.get("approvals") or []) if gate is None or a.get("gate") == gate]
