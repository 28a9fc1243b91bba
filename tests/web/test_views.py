"""Which forms a page offers (web/views.py): offering decides nothing, the API answers every
submission, but the wrong people should not be shown operator forms."""

from __future__ import annotations

from store.users import User
from web.views import keeps_risks, offered_forms, operator_forms, operator_waits

HEAD = User(id="u-head", name="李强", role="dept_head", department="sales")
OTHER_HEAD = User(id="u-head2", name="周杰", role="dept_head", department="loans")
AGENT = User(id="u-agent", name="王芳", role="agent", department="sales")
OPS = User(id="u-ops", name="运营小刘", role="operations")
AUDITOR = User(id="u-aud", name="审计", role="auditor")
DUE = "2026-12-03T10:00:00+00:00"


def project(**fields) -> dict:
    return {"id": "p1", "stage": "execution", "department": "sales", "agent_id": AGENT.id, "pending": None,
            "warning": {}, "tasks": [], "history": []} | fields  # fmt: skip


def test_the_cause_analysis_is_offered_to_the_departments_head_or_whom_it_was_handed_to():
    warned = project(warning={"active": True, "cause": None, "analysis_due_at": DUE})
    assert "warning_analysis" in offered_forms(warned, HEAD)
    assert "warning_analysis" not in offered_forms(warned, OTHER_HEAD)
    handed = project(warning={"active": True, "cause": None, "analysis_due_at": DUE, "analysis_user_id": "u-head2"})
    assert "warning_analysis" in offered_forms(handed, OTHER_HEAD)
    assert "warning_analysis" not in offered_forms(handed, HEAD)
    analysed = project(warning={"active": True, "cause": "people", "analysis_due_at": DUE})
    assert "warning_analysis" not in offered_forms(analysed, HEAD)


def test_operator_forms_are_for_operations_only_and_follow_the_stage():
    approval = project(stage="plan_approval", pending={"kind": "approval", "gate": "plan", "role": "dept_head",
                                                       "department": "sales", "due_at": DUE})  # fmt: skip
    for person in (HEAD, AGENT, AUDITOR):
        assert operator_forms(approval, person) == []
        assert "cancel" not in offered_forms(approval, person)
    assert operator_forms(approval, OPS) == ["decide_for", "reassign", "extend", "cancel"]
    acceptance = project(stage="customer_acceptance", pending={"kind": "acceptance", "role": "customer",
                                                               "due_at": DUE})  # fmt: skip
    assert operator_forms(acceptance, OPS) == ["reassign", "extend", "cancel"]
    [wait] = operator_waits(acceptance)
    assert (wait["target"], wait["reassignable"]) == ("pending", False)  # a customer's answer: more time only
    assert operator_forms(project(stage="archiving"), OPS) == []
    cancelled = project(stage="cancelled")
    assert operator_forms(cancelled, OPS) == ["dispose"]
    disposed = project(stage="cancelled", history=[{"kind": "customer_data_disposed"}])
    assert operator_forms(disposed, OPS) == []


def test_every_open_wait_is_a_target_with_whom_it_may_go_to():
    view = project(
        stage="rectification",
        pending={"kind": "rectification", "role": "agent", "department": "sales", "user_id": None, "due_at": DUE},
        warning={"active": True, "cause": None, "analysis_due_at": DUE},
        tasks=[{"id": "p1-t1", "status": "open", "source": "review_rejection", "description": "补条款",
                "owner_role": "agent", "owner_user_id": AGENT.id, "owner_name": AGENT.name, "department": "sales",
                "due_at": DUE},
               {"id": "p1-t2", "status": "done", "owner_role": "agent", "owner_user_id": AGENT.id,
                "owner_name": AGENT.name, "department": "sales", "due_at": DUE},
               {"id": "p1-t3", "status": "open", "source": "progress_warning", "description": "复盘",
                "owner_role": "executive", "owner_user_id": "u-exec", "owner_name": "赵敏", "department": None,
                "due_at": DUE}],
    )  # fmt: skip
    waits = operator_waits(view)
    assert [w["target"] for w in waits] == ["pending", "warning_analysis", "task:p1-t1", "task:p1-t3"]
    assert [w["candidates"] for w in waits] == [("agent", "sales"), ("dept_head", "sales"), ("agent", "sales"),
                                                ("executive", None)]  # fmt: skip


def test_the_register_is_kept_by_the_projects_agent_and_the_departments_head_until_archiving():
    view = project()
    assert keeps_risks(view, AGENT) and keeps_risks(view, HEAD)
    assert not any(keeps_risks(view, p) for p in (OTHER_HEAD, OPS, AUDITOR))
    assert not keeps_risks(project(stage="archiving"), HEAD)
    assert not keeps_risks(project(stage="completed"), AGENT)
