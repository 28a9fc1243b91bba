"""What a person may do next on a complaint (domain/complaint_actions.py), asked of its guards
with literal complaints as their view shows them."""

from __future__ import annotations

from domain.complaint_actions import complaint_actions
from domain.models import Actor, Role

HEAD = Actor(user_id="u-head", name="李强", role=Role.dept_head, department="sales")
OTHER_HEAD = Actor(user_id="u-head2", name="周杰", role=Role.dept_head, department="loans")
EXEC = Actor(user_id="u-exec", name="赵敏", role=Role.executive)
OPS = Actor(user_id="u-ops", name="运营小刘", role=Role.operations)
AGENT = Actor(user_id="u-agent", name="王芳", role=Role.agent, department="sales")
AUDITOR = Actor(user_id="u-aud", name="审计", role=Role.auditor)
CUSTOMER = Actor(user_id="u-cust", role=Role.customer)
STRANGER = Actor(user_id="u-cust2", role=Role.customer)
EVERYONE = (HEAD, OTHER_HEAD, EXEC, OPS, AGENT, AUDITOR, CUSTOMER, STRANGER)


def complaint(status: str, **fields) -> dict:
    return {"id": "c1", "status": status, "project_id": "p1", "department": "sales",
            "customer_user_id": CUSTOMER.user_id, "assignee_role": "dept_head"} | fields  # fmt: skip


def who(view: dict, action: str) -> set[str]:
    return {p.user_id for p in EVERYONE if action in complaint_actions(view, p)}


def test_the_assignee_or_above_replies_until_it_is_answered():
    for status in ("open", "in_progress"):
        assert who(complaint(status), "reply") == {HEAD.user_id, EXEC.user_id, OPS.user_id}
        assert who(complaint(status), "confirmation") == set()
    no_project = complaint("open", project_id=None, department=None, assignee_role="operations")
    assert who(no_project, "reply") == {EXEC.user_id, OPS.user_id}


def test_once_answered_the_customer_or_staff_for_them_confirms():
    answered = complaint("answered")
    assert who(answered, "confirmation") == {CUSTOMER.user_id, HEAD.user_id, EXEC.user_id, OPS.user_id}
    assert who(answered, "reply") == set()
    assert all(complaint_actions(complaint("closed"), p) == [] for p in EVERYONE)
