"""Which forms a page offers (web/views.py): the project view's `allowed_actions` sorted into
forms, nothing decided here (the rules are domain/allowed_actions.py's, tested in
tests/domain/test_allowed_actions.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from store.users import User
from web.views import closes_task, keeps_risks, offered_forms, operator_forms, operator_waits, step_bar

AGENT = User(id="u-agent", name="王芳", role="agent", department="sales")
OPS = User(id="u-ops", name="运营小刘", role="operations")
DUE = "2026-12-03T10:00:00+00:00"


def project(**fields) -> dict:
    return {"id": "p1", "stage": "execution", "department": "sales", "agent_id": AGENT.id, "pending": None,
            "warning": {}, "tasks": [], "history": [], "allowed_actions": []} | fields  # fmt: skip


def test_forms_are_the_allowed_actions_sorted_by_who_shows_them():
    view = project(allowed_actions=["results", "report", "risk_add", "risk_update", "task:p1-t1", "reassign",
                                    "extend", "cancel"])  # fmt: skip
    assert offered_forms(view) == ["results", "report"]
    assert operator_forms(view) == ["reassign", "extend", "cancel"]
    assert keeps_risks(view) and closes_task(view, "p1-t1") and not closes_task(view, "p1-t2")
    nothing = project()
    assert (offered_forms(nothing), operator_forms(nothing), keeps_risks(nothing)) == ([], [], False)


def test_the_step_bar_follows_the_lifecycle_and_an_early_end_stops_it():
    bar = step_bar("planning")
    assert [s["stage"] for s in bar][:4] == ["intake", "assessment", "initiation_approval", "planning"]
    assert [s["state"] for s in bar][2:5] == ["done", "current", "todo"]
    assert all(s["state"] == "done" for s in step_bar("completed"))
    assert step_bar("terminated")[-1] == {"stage": "terminated", "state": "current"}


def test_every_open_wait_is_a_target_with_whom_it_may_go_to():
    view = project(
        stage="customer_acceptance",
        pending={"kind": "acceptance", "role": "customer", "user_id": "u-cust", "due_at": DUE},
        warning={"active": True, "cause": None, "analysis_due_at": DUE},
        tasks=[{"id": "p1-t1", "status": "open", "source": "complaint", "description": "补条款",
                "owner_role": "agent", "owner_user_id": AGENT.id, "owner_name": AGENT.name, "department": "sales",
                "due_at": DUE},
               {"id": "p1-t3", "status": "open", "source": "progress_warning", "description": "复盘",
                "owner_role": "executive", "owner_user_id": "u-exec", "owner_name": "赵敏", "department": None,
                "due_at": DUE}],
    )  # fmt: skip
    waits = operator_waits(view, OPS)
    assert [w["target"] for w in waits] == ["pending", "warning_analysis", "task:p1-t1", "task:p1-t3"]
    assert [w["reassignable"] for w in waits] == [False, True, True, True]  # a customer's answer: more time only
    assert [w["candidates"] for w in waits] == [("customer", None), ("dept_head", "sales"), ("agent", "sales"),
                                                ("executive", None)]  # fmt: skip
    assert operator_waits(view, AGENT) == []


def test_the_pages_restate_no_rule():
    """No stage or role names as strings in web/views.py: they come from the domain."""
    source = (Path(__file__).parents[2] / "web" / "views.py").read_text()
    words = {n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    rules = {"execution", "rectification", "archiving", "completed", "declined", "cancelled", "agent", "dept_head",
             "executive", "customer", "operations"}  # fmt: skip
    assert words & rules == set()
