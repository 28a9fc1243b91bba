"""One instance of every step kind, with literal data (tests/domain/test_step_kinds.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from domain import cost_steps as c
from domain import deal_facts as d
from domain import risk_steps as r
from domain import service_steps as s
from domain import step_kinds as k
from domain.models import Actor, CauseCategory, Channel, Decision, Gate, Level, Role, Stage, TaskSource
from domain.risk import RiskCategory, RiskResponse
from domain.step_union import StepFacts

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DAY = date(2026, 3, 10)
OPS = Actor(user_id="u-ops", name="Ops Sun", role=Role.operations)
HEAD = Actor(user_id="u-li", name="Li Qiang", role=Role.dept_head, department="sales")

SAMPLES: list[StepFacts] = [
    k.Intake(channel=Channel.visit, business_type="real_estate"),
    k.StageChanged(before=Stage.assessment, to=Stage.initiation_approval),
    k.Assessed(in_scope=True, difficulty=Level.low, risk_level=Level.high, expected_cycle_days=30,
               budget=Decimal("300000")),
    k.DecisionRecorded(gate=Gate.initiation, level=Role.dept_head, decision=Decision.approve, round=1,
                       on_behalf_of=HEAD),
    k.PlanSubmitted(goals="sell", milestones=[k.MilestoneFact(name="viewing", due_date=DAY)], responsibilities="me",
                    resources=""),
    k.WeeklyReported(progress="p", problems="", next_week_plan="n", completed_milestones=["viewing"], on_time=True,
                     milestones_done={"viewing": DAY}),
    k.ResultsSubmitted(summary="sold", completed_milestones=[], attachments=["c.pdf"], submission=1,
                       milestones_done={}),
    k.Accepted(rating=5),
    k.Objected(objections=2),
    k.TaskCreated(task_id="p-t1", source=TaskSource.review_rejection, owner_id="u-wang", owner="Wang Fang",
                  owner_role=Role.agent, department="sales", due_at=AT, round=1),
    k.TaskCompleted(task_id="p-t1", source=TaskSource.review_rejection),
    k.KpisUpdated(completion_rate=50.0, cycle_deviation_rate=None, satisfaction_score=None),
    k.WarningRaised(reasons=["completion_rate 50.0 < 80.0"]),
    k.WarningAnalysed(cause=CauseCategory.resources, measures=1, revised_expected_cycle_days=None),
    k.WarningCleared(completion_rate=100.0, cycle_deviation_rate=0.0, satisfaction_score=None),
    k.Archived(bundle_id="archive-p", keywords=["p"]),
    k.Declined(),
    k.Completed(),
    k.Cancelled(),
    k.Reminded(what="approval", gate=Gate.plan, due_at=AT, step=1, to_role=Role.dept_head),
    k.Escalated(what="task", task_id="p-t1", summary="fix", due_at=AT, step=2, to_role=Role.dept_head, levels_up=1,
                assignee="Wang Fang"),
    k.WeeklyReportMissed(due_at=AT, missed_in_row=1),
    k.Reassigned(target="task:p-t1", previous="Wang Fang", to="Sun Li", to_id="u-sun", to_role=Role.agent,
                 department="sales"),
    k.DeadlineExtended(target="pending", previous_due_at=AT, due_at=AT, working_days=2),
    k.CalendarPublished(year=2027, holidays=[date(2027, 1, 1)], workdays=[]),
    k.ComplaintTasksAsked(complaint_id="c-1", tasks=1),
    k.Rated(rating=4, source="revisit", source_id="revisit-p"),
    k.SatisfactionWarning(reasons=["satisfaction_score 25 < 60"], rating=2, source="complaint", source_id="c-1",
                          project_id="p", agent_id="u-wang", department="sales"),
    k.CustomerDataDisposed(),
    k.Reset(),
    k.Terminated(),
    k.Reconciled(),
    r.RiskAdded(risk_id="p-r1", level=Level.high, category=RiskCategory.market, likelihood=Level.high,
                impact=Level.high, probability=Decimal("0.3"), loss_amount=Decimal("1000"),
                expected_loss=Decimal("300.0"), response=RiskResponse.reduce, measures="m", review_on=DAY,
                owner="Wang Fang", owner_id="u-wang", due_at=AT),
    r.RiskUpdated(risk_id="p-r1", level=Level.medium, expected_loss=None, likelihood=Level.low),
    r.RiskOccurred(risk_id="p-r1", loss_amount=Decimal("800")),
    r.RiskClosed(risk_id="p-r1", reason="project_completed"),
    c.CostRecorded(cost_id="p-c9", amount=Decimal("3000.01"), spent_on=DAY, total=Decimal("8000.01"),
                   budget=Decimal("8000"), over_budget=True),
    s.Filed(channel=Channel.phone, project_id="p", assignee_role=Role.dept_head, first_reply_due_at=AT,
            resolution_due_at=AT),
    s.Replied(round=1, resolved=True, answer=True, unresolved_reason=None, rectification=[], first=True, on_time=True),
    s.TasksOpened(project_id="p", reply_seq=2, task_ids=["p-t1"]),
    s.TasksNotOpened(project_id="p", reply_seq=2, task_ids=[]),
    s.Confirmed(satisfied=False, rating=2, round=1, on_behalf=False, suggestions=["call back"]),
    s.Closed(round=2, resolved=True),
    s.Reopened(round=2, resolution_due_at=AT),
    s.RatingSent(project_id="p", rating=4),
    s.RevisitScheduled(agent_id="u-wang", completed_at=AT, opens_at=AT),
    s.RevisitOpened(assignee_id="u-wang", due_at=AT),
    s.RevisitDone(rating=5, suggestions=[], on_time=True),
    d.DealRecorded(deal_date=DAY, value_fen=125_000_000, commission_fen=2_500_000, due_at=AT,
                   parts=[d.PartFen(agent_id="u-wang", share="100", value_fen=125_000_000, commission_fen=2_500_000)]),
    d.DealConfirmed(on_time=False),
]
