"""The ledger check itself fails on each kind of damage it exists to catch."""

from tests.faults.ledger import ProjectLedger


def test_matching_rows_and_history_pass():
    assert ProjectLedger("p", history_seqs=[1, 2, 3], row_seqs=[3, 1, 2]).problems() == []


def test_a_lost_row_is_reported():
    assert ProjectLedger("p", [1, 2, 3], [1, 3]).problems() == [
        "p: in history, no row: [2]", "p: seqs not contiguous from 1: [1, 3]"]


def test_a_row_not_in_history_is_reported():
    assert ProjectLedger("p", [1, 2], [1, 2, 3]).problems() == ["p: row, not in history: [3]"]


def test_a_seq_scheduled_twice_is_reported():
    assert ProjectLedger("p", [1, 2, 2], [1, 2]).problems() == ["p: seq scheduled more than once in history: [2]"]


def test_a_decision_recorded_twice_is_reported():
    ledger = ProjectLedger("p", [1, 2, 3], [1, 2, 3], doubled_rows=[("decision", '{"gate": "plan"}')])
    assert ledger.problems() == ["p: the same decision recorded twice: [('decision', '{\"gate\": \"plan\"}')]"]
