"""Every field is bounded: the largest legal command of each kind, and the largest batch of
steps it makes, stay far under Temporal's 2 MiB payload limit (docs/limits.md).

Text is the worst case for size: 𠀀 (U+20000, a CJK Extension B character) takes four
bytes in UTF-8, the most any storable character takes in a JSON payload.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain import clock, lifecycle, rectification
from domain.commands import (
    MAX_MEASURES,
    MAX_MILESTONES,
    MAX_OBJECTIONS,
    OBJECTION_MAX,
    AcceptanceCommand,
    AcceptanceIn,
    MeasureIn,
    PlanCommand,
    PlanIn,
    ReportCommand,
    ResultsCommand,
    ResultsIn,
    WarningAnalysisCommand,
    WarningAnalysisIn,
    WeeklyReportIn,
)
from domain.models import CauseCategory, Gate
from domain.steps import Outcome, RecordBatch
from domain.text import COMMENT_MAX, LONG_MAX, NAME_MAX, SHORT_MAX
from tests.domain.lifecycle_data import AGENT, CUSTOMER, HEAD, MONDAY, assessment, ctx, decision, start
from tests.domain.lifecycle_data import utc_due as due

WIDE = "𠀀"
COMMAND_BUDGET = 128 * 1024
BATCH_BUDGET = 256 * 1024
TEMPORAL_LIMIT = 2 * 1024 * 1024


def text(n: int) -> str:
    return WIDE * n


def names(prefix: str = "") -> list[str]:
    return [f"{i:03d}{text(NAME_MAX - 3)}" for i in range(MAX_MILESTONES)]


def size(out: Outcome) -> int:
    batch = RecordBatch(project_id=out.state.project_id, version=1, at=MONDAY, steps=out.steps,
                        view=out.state.read_view(), notices=out.notices)  # fmt: skip
    return len(batch.model_dump_json().encode())


def largest_plan() -> PlanCommand:
    milestones = [{"name": n, "due_date": date(2026, 12, 1) + timedelta(days=i)} for i, n in enumerate(names())]
    return PlanCommand(actor=AGENT, body=PlanIn.model_validate({
        "goals": text(LONG_MAX), "responsibilities": text(LONG_MAX), "resources": text(LONG_MAX),
        "milestones": milestones}))  # fmt: skip


def in_execution():
    s = lifecycle.intake(start(), ctx()).state
    s = lifecycle.assess(s, assessment(), ctx()).state
    s = lifecycle.decide(s, decision(Gate.initiation), ctx()).state
    out = lifecycle.submit_plan(s, largest_plan(), ctx())
    return out, lifecycle.decide(out.state, decision(Gate.plan), ctx()).state


def test_the_largest_commands_and_batches_are_far_under_the_payload_limit():
    plan_out, s = in_execution()
    sizes = {"plan": (len(largest_plan().model_dump_json().encode()), size(plan_out))}

    report = ReportCommand(actor=AGENT, body=WeeklyReportIn(progress=text(LONG_MAX), problems=text(LONG_MAX),
                                                            next_week_plan=text(LONG_MAX),
                                                            completed_milestones=names()))  # fmt: skip
    sizes["report"] = (len(report.model_dump_json().encode()), size(lifecycle.report(s, report, ctx())))

    results = ResultsCommand(actor=AGENT, body=ResultsIn(summary=text(LONG_MAX), completed_milestones=names(),
                                                         attachments=[text(SHORT_MAX)] * 20))  # fmt: skip
    out = lifecycle.submit_results(s, results, ctx())
    sizes["results"] = (len(results.model_dump_json().encode()), size(out))
    s = lifecycle.decide(out.state, decision(Gate.result_review), ctx()).state

    objections = AcceptanceCommand(actor=CUSTOMER, body=AcceptanceIn(
        accepted=False, objections=[text(OBJECTION_MAX)] * MAX_OBJECTIONS))  # fmt: skip
    out = lifecycle.answer_acceptance(s, objections, ctx())
    assert len(out.state.rectification.tasks) == MAX_OBJECTIONS
    sizes["objections"] = (len(objections.model_dump_json().encode()), size(out))

    warned = clock.tick(in_execution()[1], ctx(due(2026, 12, 1))).state
    assert warned.warning.active
    analysis = WarningAnalysisCommand(actor=HEAD, owners={AGENT.name or "": AGENT}, body=WarningAnalysisIn(
        cause=CauseCategory.process, analysis=text(LONG_MAX),
        measures=[MeasureIn(description=text(COMMENT_MAX), owner=AGENT.name or "", deadline_working_days=250)]
        * MAX_MEASURES))  # fmt: skip
    sizes["warning_analysis"] = (len(analysis.model_dump_json().encode()),
                                 size(rectification.analyse_warning(warned, analysis, ctx(due(2026, 12, 1)))))

    for kind, (command, batch) in sizes.items():
        assert command <= COMMAND_BUDGET, (kind, command)
        assert batch <= BATCH_BUDGET, (kind, batch)
    assert max(b for _, b in sizes.values()) * 8 < TEMPORAL_LIMIT  # "far under": an eighth at most
    # Each text is recorded once: a batch is about its command plus the steps' frames.
    assert sizes["objections"][1] < 2 * sizes["objections"][0]
