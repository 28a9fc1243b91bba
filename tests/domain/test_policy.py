"""Company policy as data (domain/policy.py): SLAs, escalation chains, thresholds."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from domain.policy import (
    SLA_NAMES,
    CalendarPolicy,
    EscalationStep,
    ProjectPolicy,
    SlaPolicy,
    WarningThresholds,
    WeeklyReportPolicy,
)


def test_defaults_fill_every_sla_name():
    policy = ProjectPolicy()
    assert set(policy.slas) == set(SLA_NAMES)
    assert policy.sla("initiation_approval").working_days == 3
    assert policy.sla("warning_analysis").working_days == 2


def test_a_partial_policy_keeps_the_other_defaults():
    policy = ProjectPolicy.model_validate({"slas": {"assessment": {"working_days": 1}}})
    assert set(policy.slas) == set(SLA_NAMES)
    assert policy.sla("assessment").working_days == 1
    assert policy.sla("plan_approval").working_days == 3


def test_unknown_sla_name_rejected():
    with pytest.raises(ValidationError, match="unknown SLA names"):
        ProjectPolicy.model_validate({"slas": {"assesment": {"working_days": 1}}})


def test_default_chain_reminds_then_escalates_twice():
    chain = ProjectPolicy().sla("result_review").chain
    assert [(s.after_working_days, s.action, s.levels_up) for s in chain] == [
        (0, "remind", 0),
        (1, "escalate", 1),
        (2, "escalate", 2),
    ]


def test_escalate_step_needs_levels_up():
    with pytest.raises(ValidationError, match="levels_up"):
        EscalationStep(action="escalate")
    with pytest.raises(ValidationError, match="levels_up"):
        EscalationStep(action="escalate", levels_up=0)
    with pytest.raises(ValidationError):
        EscalationStep(action="escalate", levels_up=3)  # above the executive
    assert EscalationStep(action="remind").levels_up == 0


def test_chain_must_be_ordered_by_offset():
    with pytest.raises(ValidationError, match="ordered"):
        SlaPolicy(
            working_days=3,
            chain=[
                EscalationStep(after_working_days=2, action="escalate", levels_up=1),
                EscalationStep(after_working_days=1, action="remind"),
            ],
        )
    same_day = SlaPolicy(
        working_days=3,
        chain=[EscalationStep(action="remind"), EscalationStep(action="escalate", levels_up=1)],
    )
    assert len(same_day.chain) == 2


def test_bad_chain_inside_a_policy_file_is_rejected():
    with pytest.raises(ValidationError):
        ProjectPolicy.model_validate(
            {"slas": {"plan_approval": {"working_days": 2, "chain": [{"action": "escalate"}]}}}
        )


def test_limits():
    with pytest.raises(ValidationError):
        SlaPolicy(working_days=-1)
    with pytest.raises(ValidationError):
        CalendarPolicy(cutoff_hour=0)
    with pytest.raises(ValidationError):
        CalendarPolicy(cutoff_hour=25)
    assert CalendarPolicy(cutoff_hour=24).cutoff_hour == 24
    with pytest.raises(ValidationError):
        WeeklyReportPolicy(weekday=7)


def test_default_calendar_weekly_report_and_thresholds():
    policy = ProjectPolicy()
    assert policy.calendar == CalendarPolicy(timezone="Asia/Shanghai", cutoff_hour=18)
    assert (policy.weekly_report.weekday, policy.weekly_report.hour) == (4, 18)
    assert policy.warnings == WarningThresholds(
        min_completion_rate=80.0, max_cycle_deviation_rate=20.0, min_satisfaction_score=80.0
    )


def test_policy_round_trips_through_json():
    # A policy travels inside the workflow input, so it must survive serialisation intact.
    policy = ProjectPolicy.model_validate(
        {
            "calendar": {"extra_holidays": ["2027-01-01"], "extra_workdays": ["2027-01-09"]},
            "slas": {"assessment": {"working_days": 1}},
            "executive_budget_threshold": "250000.00",
        }
    )
    again = ProjectPolicy.model_validate_json(policy.model_dump_json())
    assert again == policy
    assert again.calendar.extra_holidays == [date(2027, 1, 1)]
    assert again.sla("assessment").working_days == 1
