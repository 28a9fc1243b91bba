"""What an update answers is built from the typed steps its transition recorded
(domain/results.py): plain rule tests with literal data, no Temporal."""

from __future__ import annotations

from domain import lifecycle, results
from domain.models import Decision, Gate, Stage
from domain.steps import Ack, Outcome
from tests.domain.lifecycle_data import ctx, decision, objection, to_execution
from tests.domain.lifecycle_data import results as results_cmd


def answer(out: Outcome) -> tuple[Ack, list]:
    return Ack(seq=out.state.seq, stage=out.state.stage), [s.facts for s in out.steps]


def test_a_rejected_review_answers_the_task_it_opened():
    s = lifecycle.submit_results(to_execution(), results_cmd(), ctx()).state
    out = lifecycle.decide(s, decision(Gate.result_review, Decision.reject, comment="clause missing"), ctx())
    decided = results.decided(*answer(out))
    assert (decided.stage, decided.gate, decided.decision, decided.round) == (
        Stage.rectification, Gate.result_review, Decision.reject, 1)
    assert decided.task_ids == [t.id for t in out.state.rectification.tasks] and len(decided.task_ids) == 1
    assert decided.seq == out.state.seq and decided.on_behalf_of is None


def test_an_objection_answers_its_tasks_and_acceptance_says_accepted():
    s = lifecycle.submit_results(to_execution(), results_cmd(), ctx()).state
    s = lifecycle.decide(s, decision(Gate.result_review), ctx()).state
    objected = results.acceptance_answered(*answer(lifecycle.answer_acceptance(s, objection("a", "b"), ctx())))
    assert objected.accepted is False and len(objected.task_ids) == 2


def test_an_update_applied_before_names_nothing():
    """A retry recognised after a continue-as-new records no steps: its answer names nothing."""
    ack = Ack(seq=9, stage=Stage.execution)
    assert results.risk_added(ack, []).risk_id is None
    assert results.decided(ack, []).gate is None and results.decided(ack, []).task_ids == []
    assert results.reassigned(ack, []).previous is None
    assert (results.risk_added(ack, []).seq, results.risk_added(ack, []).stage) == (9, Stage.execution)
