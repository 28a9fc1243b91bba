"""The risk register's rules (RULES §Risk management; 000 §5), with literal data and no Temporal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import clock, lifecycle, risks
from domain.commands import CancelCommand, CancelIn
from domain.errors import AlreadyDecided, Forbidden, Invalid, NotFound, WrongStage
from domain.models import Level, Role
from domain.policy import RiskPolicy
from domain.risk import MATRIX, RiskCategory, RiskResponse, attention, expected_loss, risk_level
from domain.risk_commands import AddRiskCommand, RiskIn, RiskPatchIn, UpdateRiskCommand
from tests.domain.lifecycle_data import AGENT, CUSTOMER, HEAD, OPS, OTHER_HEAD, ctx, kinds, to_execution
from tests.domain.lifecycle_data import utc_due as due

L, M, H = Level.low, Level.medium, Level.high


@pytest.mark.parametrize(("likelihood", "impact", "level"), [
    (L, L, L), (L, M, L), (L, H, M), (M, L, L), (M, M, M), (M, H, H), (H, L, M), (H, M, H), (H, H, H),
])  # fmt: skip
def test_the_level_is_read_off_the_matrix(likelihood, impact, level):
    assert risk_level(likelihood, impact) == level
    assert len(MATRIX) == 9


def test_expected_loss_is_probability_times_loss_to_the_fen():
    assert expected_loss(Decimal("0.25"), Decimal("100000.10")) == Decimal("25000.03")
    assert expected_loss(None, Decimal("1")) is None and expected_loss(Decimal("0.5"), None) is None


def test_who_must_hear_of_a_risk():
    policy = RiskPolicy(expected_loss_threshold=Decimal("100000"), notify_executive=True)
    assert attention(H, None, policy) == [Role.dept_head, Role.executive]
    assert attention(M, Decimal("100000.01"), policy) == [Role.dept_head]
    assert attention(M, Decimal("100000"), policy) == []
    assert attention(H, None, policy.model_copy(update={"notify_executive": False})) == [Role.dept_head]


def add(likelihood=L, impact=L, probability=None, loss=None, review=date(2026, 12, 4), by=AGENT):
    body = RiskIn(category=RiskCategory.credit, description="buyer's loan may be refused", likelihood=likelihood,
                  impact=impact, probability=probability, loss_amount=loss, response=RiskResponse.reduce,
                  measures="pre-approval", owner="Wang Fang", review_on=review)  # fmt: skip
    return AddRiskCommand(actor=by, body=body, owner=AGENT)


def test_a_high_risk_is_registered_and_notifies_the_dept_head_and_the_executive():
    out = risks.add_risk(to_execution(), add(H, M), ctx())
    [risk] = out.state.risks
    assert (risk.id, risk.level, risk.user_id, risk.due_at) == ("flat-001-r1", H, AGENT.user_id, due(2026, 12, 4))
    assert kinds(out) == ["risk_added"] and out.steps[0].comment == "buyer's loan may be refused"
    assert [(n.key, n.to_role) for n in out.notices] == [("notify.risk_attention", Role.dept_head),
                                                         ("notify.risk_attention", Role.executive)]


def test_a_low_risk_with_a_large_expected_loss_notifies_the_dept_head_only():
    out = risks.add_risk(to_execution(), add(probability=Decimal("0.5"), loss=Decimal("300000")), ctx())
    assert out.state.risks[0].expected_loss == Decimal("150000.00")
    assert [n.to_role for n in out.notices] == [Role.dept_head]


def test_the_agent_or_the_departments_head_keep_the_register_before_archiving():
    s = to_execution()
    for who in (CUSTOMER, OTHER_HEAD, OPS):
        with pytest.raises(Forbidden):
            risks.add_risk(s, add(by=who), ctx())
    assert risks.add_risk(s, add(by=HEAD), ctx()).state.risks
    cancelled = lifecycle.cancel(s, CancelCommand(actor=OPS, body=CancelIn(reason="gone")), ctx()).state
    with pytest.raises(WrongStage):
        risks.add_risk(cancelled, add(), ctx())
    with pytest.raises(Invalid, match="review_on"):
        risks.add_risk(s, add(review=date(2026, 11, 1)), ctx())


def patch(risk_id: str = "flat-001-r1", **fields) -> UpdateRiskCommand:
    return UpdateRiskCommand(actor=AGENT, risk_id=risk_id, body=RiskPatchIn(**fields))


def test_raising_the_impact_makes_the_risk_high_and_tells_the_department_once():
    s = risks.add_risk(to_execution(), add(M, L), ctx()).state
    out = risks.update_risk(s, patch(impact=H), ctx())
    assert out.state.risks[0].level == H and out.steps[0].data["impact"] == "high"
    assert [n.to_role for n in out.notices] == [Role.dept_head, Role.executive]
    again = risks.update_risk(out.state, patch(measures="guarantor"), ctx())
    assert again.notices == []  # it needed attention already


def test_a_risk_that_occurs_is_a_risk_event_with_its_loss_and_leaves_the_open_register():
    s = risks.add_risk(to_execution(), add(loss=Decimal("5000")), ctx()).state
    out = risks.update_risk(s, patch(status="occurred", loss_amount=Decimal("8000")), ctx())
    assert kinds(out) == ["risk_updated", "risk_occurred"] and out.steps[1].data["loss_amount"] == "8000"
    assert out.state.risks == [] and out.notices[-1].key == "notify.risk_occurred"
    with pytest.raises(AlreadyDecided):
        risks.update_risk(out.state, patch(measures="too late"), ctx())
    with pytest.raises(NotFound):
        risks.update_risk(out.state, patch("flat-001-r9", measures="x"), ctx())


def test_a_closed_risk_has_no_event():
    s = risks.add_risk(to_execution(), add(), ctx()).state
    out = risks.update_risk(s, patch(status="closed"), ctx())
    assert kinds(out) == ["risk_updated", "risk_closed"] and out.state.risks == []


def test_a_review_date_that_passes_is_reminded_then_escalated():
    s = risks.add_risk(to_execution(), add(review=date(2026, 11, 25)), ctx()).state
    out = clock.tick(s, ctx(due(2026, 11, 25)))
    reminder = [st for st in out.steps if st.kind == "reminder"]
    assert [(st.data["what"], st.data["risk_id"]) for st in reminder] == [("risk_review", "flat-001-r1")]
    out = clock.tick(out.state, ctx(due(2026, 11, 26)))
    [escalation] = [st for st in out.steps if st.kind == "escalation"]
    assert escalation.data["risk_id"] == "flat-001-r1" and escalation.data["to_role"] == "dept_head"
    assert out.state.is_overdue()


def test_a_new_review_date_restarts_the_chain():
    s = risks.add_risk(to_execution(), add(review=date(2026, 11, 25)), ctx()).state
    s = clock.tick(s, ctx(due(2026, 11, 25))).state
    out = risks.update_risk(s, patch(review_on=date(2026, 12, 10)), ctx(due(2026, 11, 25)))
    assert out.state.risks[0].due_at == due(2026, 12, 10) and out.state.risks[0].steps_done == 0


def test_a_project_that_ends_closes_its_open_risks():
    s = risks.add_risk(to_execution(), add(), ctx()).state
    s = risks.add_risk(s, add(H, H), ctx()).state
    settled = risks.update_risk(s, patch("flat-001-r2", status="closed"), ctx()).state
    cancelled = lifecycle.cancel(settled, CancelCommand(actor=OPS, body=CancelIn(reason="gone")), ctx()).state
    assert [r.id for r in cancelled.risks] == ["flat-001-r1"]  # the cancellation itself leaves it
    out = risks.settle_at_end(cancelled, ctx())
    assert out.state.risks == [] and not out.state.is_overdue()
    assert [(st.kind, st.data) for st in out.steps] == [
        ("risk_closed", {"risk_id": "flat-001-r1", "reason": "project_cancelled"})]
    assert risks.settle_at_end(out.state, ctx()).steps == []  # nothing left to close
