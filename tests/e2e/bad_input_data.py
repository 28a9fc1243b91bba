"""What the bad-input tests send: every action with its bounded fields, bad bodies built
from them, and a project in rectification to send them to (tests/e2e/test_bad_input*.py)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.commands import MAX_MEASURES, MAX_MILESTONES, MAX_OBJECTIONS, OBJECTION_MAX
from domain.text import COMMENT_MAX, LONG_MAX, NAME_MAX, REQUIREMENT_MAX, SHORT_MAX
from tests.fixtures_stack import history_size

BAD_CHARACTERS = {"nul": "\u0000", "lone surrogate": "\ud800", "control character": "\u001b"}


def soon(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@dataclass
class Action:
    """One action: who sends it where, a valid body, and its bounded fields (dotted paths;
    a number is a list index) with their maximum length or size."""

    method: str
    path: str
    who: str
    body: dict[str, Any]
    texts: dict[str, int] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)
    prefix: dict[str, str] = field(default_factory=dict)  # what a patterned field must start with


PLAN = {"goals": "g", "responsibilities": "r", "resources": "car",
        "milestones": [{"name": "m1", "due_date": soon(5)}]}  # fmt: skip
MEASURE = {"description": "Hire", "owner": "someone", "deadline_working_days": 2}
ACTIONS = {
    "create": Action("POST", "/v1/projects", "agent", {
        "id": "fine-id", "customer": {"name": "李雷", "phone": "139", "email": "l@example.com", "company": "Acme",
                                      "user": "someone"},
        "channel": "phone", "requirement": "Refinance", "business_type": "finance"},
        texts={"id": 64, "customer.name": NAME_MAX, "customer.phone": 30, "customer.email": 254,
               "customer.company": SHORT_MAX, "customer.user": NAME_MAX, "requirement": REQUIREMENT_MAX,
               "business_type": NAME_MAX}),
    "assessment": Action("POST", "{p}/assessment", "agent", {"in_scope": False, "comment": "c"},
                         texts={"comment": COMMENT_MAX}),
    "plan": Action("POST", "{p}/plan", "agent", PLAN,
                   texts={"goals": LONG_MAX, "responsibilities": LONG_MAX, "resources": LONG_MAX,
                          "milestones.0.name": NAME_MAX},
                   lists={"milestones": MAX_MILESTONES}),
    "decisions": Action("POST", "{p}/decisions", "dept_head",
                        {"gate": "result_review", "decision": "approve", "comment": "c", "on_behalf_of": "someone"},
                        texts={"comment": COMMENT_MAX, "on_behalf_of": NAME_MAX}),
    "reports": Action("POST", "{p}/reports", "agent",
                      {"progress": "p", "problems": "none", "next_week_plan": "n", "completed_milestones": ["m1"]},
                      texts={"progress": LONG_MAX, "problems": LONG_MAX, "next_week_plan": LONG_MAX,
                             "completed_milestones.0": NAME_MAX},
                      lists={"completed_milestones": MAX_MILESTONES}),
    "results": Action("POST", "{p}/results", "agent",
                      {"summary": "s", "completed_milestones": ["m1"], "attachments": ["a.pdf"]},
                      texts={"summary": LONG_MAX, "completed_milestones.0": NAME_MAX, "attachments.0": SHORT_MAX},
                      lists={"completed_milestones": MAX_MILESTONES, "attachments": 20}),
    "acceptance": Action("POST", "{p}/acceptance", "customer", {"accepted": False, "objections": ["late"]},
                         texts={"objections.0": OBJECTION_MAX}, lists={"objections": MAX_OBJECTIONS}),
    "warning-analysis": Action("POST", "{p}/warning-analysis", "dept_head",
                               {"cause": "people", "analysis": "a", "measures": [MEASURE]},
                               texts={"analysis": LONG_MAX, "measures.0.description": COMMENT_MAX,
                                      "measures.0.owner": NAME_MAX},
                               lists={"measures": MAX_MEASURES}),
    "cancel": Action("POST", "{p}/cancel", "operations", {"reason": "r"}, texts={"reason": COMMENT_MAX}),
    "reassign": Action("POST", "{p}/reassign", "operations", {"target": "task:x", "to": "someone", "reason": "r"},
                       texts={"target": 105, "to": NAME_MAX, "reason": COMMENT_MAX}, prefix={"target": "task:"}),
    "deadline": Action("POST", "{p}/deadline", "operations", {"target": "task:x", "working_days": 1, "reason": "r"},
                       texts={"target": 105, "reason": COMMENT_MAX}, prefix={"target": "task:"}),
    "complete-task": Action("POST", "/v1/tasks/{task}/complete", "agent", {"resolution": "r"},
                            texts={"resolution": COMMENT_MAX}),
    "calendar": Action("PUT", "/v1/calendar/2031", "operations", {"holidays": ["2031-10-01"], "workdays": []},
                       lists={"holidays": 60, "workdays": 60}),
}  # fmt: skip


def get(body: Any, path: str) -> Any:
    for part in path.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


def put(body: dict, path: str, value: Any) -> dict:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


def bad_bodies(action: Action) -> list[tuple[str, str, dict]]:
    """(field, what is wrong, body) for every bounded field of the action."""
    out = []
    for path, longest in action.texts.items():
        start = action.prefix.get(path, "")
        for what, char in BAD_CHARACTERS.items():
            out.append((path, what, put(action.body, path, f"{start}a{char}b")))
        out.append((path, "over-long", put(action.body, path, start + "a" * (longest + 1 - len(start)))))
    for path, most in action.lists.items():
        if path.endswith(("holidays", "workdays")):  # dates of the year
            items: list = [(date(2031, 1, 1) + timedelta(days=i)).isoformat() for i in range(most + 1)]
        else:  # distinct copies of the first item
            item = get(action.body, path)[0]
            items = [{**item, "name": f"m{i}"} if isinstance(item, dict) and "name" in item
                     else f"{i}{item}" if isinstance(item, str) else item for i in range(most + 1)]  # fmt: skip
        out.append((path, "oversized list", put(action.body, path, items)))
    return out


def raw(body: dict) -> bytes:
    """JSON with every non-ASCII character escaped: a lone surrogate travels as `\\ud800`."""
    return json.dumps(body, ensure_ascii=True).encode()


async def records_of(stack, pid: str) -> tuple:
    db = stack.pool
    return (
        await db.fetchval("SELECT count(*) FROM projects"),
        await db.fetchval("SELECT count(*) FROM customers"),
        await db.fetchval("SELECT count(*) FROM events WHERE project_id = $1", pid),
        await db.fetchval("SELECT seq FROM projects WHERE id = $1", pid),
        await db.fetchval("SELECT count(*) FROM outbox WHERE project_id = $1", pid),
        await db.fetchval("SELECT count(*) FROM record_failures WHERE project_id = $1", pid),
        await db.fetchval("SELECT count(*) FROM idempotency_keys"),
        await db.fetchval("SELECT count(*) FROM calendar_years"),
        await history_size(stack.client.get_workflow_handle(f"project-{pid}")),
    )


def actor(person) -> dict:
    return {"user_id": person.id, "name": None if person.role == "customer" else person.name, "role": person.role,
            "department": person.department}
