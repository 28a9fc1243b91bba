"""Typed steps (STYLE §15): every step kind is one model of the union; it is stored as the
JSON it always was and read back as the same model; every layer that handles steps handles
every kind — writers (store/facts.py), the history (jindu/history.py) — and mypy says so:
a kind left out of a layer is a type error, shown here on a copy of each layer."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from domain.step_union import (
    ComplaintStep,
    DealStep,
    ProjectStep,
    RevisitStep,
    StepFacts,
    complaint_facts,
    deal_facts,
    parse_facts,
    project_facts,
    revisit_facts,
)
from domain.steps import Step
from jindu import history
from jindu.i18n import LANGUAGES, has, translator
from tests.domain.step_samples import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["store/facts.py", "store/risk_facts.py", "jindu/history.py"]


class Formats:
    def time(self, value: Any) -> str:
        return str(value)

    @staticmethod
    def money(value: Any) -> str:
        return f"¥{value}"


def kinds(union: Any) -> set[str]:
    return {t.model_fields["kind"].default for t in typing.get_args(union)}


def test_the_samples_hold_one_step_of_every_kind():
    assert {type(f) for f in SAMPLES} == set(typing.get_args(StepFacts))
    assert len({f.kind for f in SAMPLES}) == len(SAMPLES) == len(typing.get_args(StepFacts))


@pytest.mark.parametrize("facts", SAMPLES, ids=[f.kind for f in SAMPLES])
def test_a_step_reads_back_as_it_was_written(facts):
    step = Step.of(7, facts, comment="why")
    stored = json.loads(json.dumps(step.data))  # what events.data holds
    row = Step.from_row(7, step.kind, None, "why", json.dumps(stored))
    assert row.facts == facts and row.data == stored and row.facts.data() == stored
    assert "kind" not in stored and step.model_dump(mode="json")["kind"] == facts.kind


def test_the_json_of_a_step_is_what_it_always_was():
    """Fields are written only when the rule gave them (a reminder's gate, a changed risk's
    fields), times as isoformat, `from` under its name, enums as their values."""
    by_kind = {f.kind: f for f in SAMPLES}
    assert by_kind["stage_changed"].data() == {"from": "assessment", "to": "initiation_approval"}
    assert by_kind["reminder"].data() == {"what": "approval", "gate": "plan", "due_at": "2026-03-02T10:00:00+00:00",
                                          "step": 1, "to_role": "dept_head"}  # fmt: skip
    assert by_kind["risk_updated"].data() == {"risk_id": "p-r1", "level": "medium", "expected_loss": None,
                                              "likelihood": "low"}  # fmt: skip
    assert by_kind["decision"].data()["on_behalf_of"] == {"user_id": "u-li", "name": "Li Qiang", "role": "dept_head",
                                                          "department": "sales"}  # fmt: skip
    assert by_kind["cancelled"].data() == {}


def test_each_subject_reads_only_its_own_kinds():
    for union, read in ((ProjectStep, project_facts), (ComplaintStep, complaint_facts), (RevisitStep, revisit_facts),
                        (DealStep, deal_facts)):  # fmt: skip
        for f in SAMPLES:
            if f.kind in kinds(union):
                assert read(f.kind, f.data()) == f
            else:
                with pytest.raises(ValidationError):
                    read(f.kind, f.data())
    assert kinds(ProjectStep) | kinds(ComplaintStep) | kinds(RevisitStep) | kinds(DealStep) == kinds(StepFacts)


def test_a_step_missing_what_its_kind_needs_does_not_read():
    with pytest.raises(ValidationError):
        parse_facts("decision", {"gate": "plan"})
    with pytest.raises(ValidationError):
        parse_facts("no_such_kind", {})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_kind_has_a_title_and_renders(lang):
    t = translator(lang)
    for f in SAMPLES:
        assert has(f"web.event.{f.kind}", lang), f.kind
        line = history.line(f.kind, f.data(), "Ops Sun", t, lambda key: has(key, lang), Formats())  # noqa: B023
        assert isinstance(line, history.Line)
    decision = next(f for f in SAMPLES if f.kind == "decision")
    line = history.details(decision, "Ops Sun", t, lambda key: has(key, lang), Formats())
    assert "Li Qiang" in line.note and str(line.detail)
    risk = next(f for f in SAMPLES if f.kind == "risk_added")
    assert 'class="level level-high"' in str(history.details(risk, "", t, lambda key: has(key, lang), Formats()).detail)


def mypy(*paths: Path | str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                           "--cache-dir", str(ROOT / ".mypy_cache"), *map(str, paths)],
                          cwd=cwd, capture_output=True, text=True, timeout=240,
                          env={"MYPYPATH": str(ROOT), "PATH": ""})  # fmt: skip


@pytest.mark.timeout(600)
def test_every_kind_has_a_writer_and_a_rendering_says_mypy(tmp_path):
    """The layers type-check (`make lint` checks them too); a copy of each with one kind
    left out — a writer's case, a fact-less one, a rendering — does not."""
    checked = mypy(*LAYERS)
    assert checked.returncode == 0, checked.stdout
    for layer in ("store/facts.py", "jindu/history.py"):
        assert "assert_never(f)" in (ROOT / layer).read_text()
    drifts = {
        "writer_probe.py": ("store/facts.py", "        case k.PlanSubmitted():\n"
                                              "            await _plan(conn, pid, f)\n"),
        "factless_probe.py": ("store/facts.py", " | k.Reconciled()"),
        "history_probe.py": ("jindu/history.py", "        case RiskClosed():\n"
                                                 '            return Line(_text(t("web.event.risk", id=f.risk_id)))\n'),
        "titles_probe.py": ("jindu/history.py", " | k.Reset()"),
    }
    for probe, (layer, cut) in drifts.items():
        source = (ROOT / layer).read_text()
        assert cut in source, (layer, cut)
        (tmp_path / probe).write_text(source.replace(cut, ""))
        out = mypy(tmp_path / probe, cwd=tmp_path)
        assert out.returncode == 1 and 'to "assert_never" has incompatible type' in out.stdout, out.stdout
