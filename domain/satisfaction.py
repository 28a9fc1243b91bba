"""Satisfaction after a project (RULES §Progress anomaly warnings, §Complaints and feedback):
a rating given at a revisit or a complaint's confirmation, and the satisfaction warning it
raises for the agent and the department when it is below the threshold.

A running project takes the rating itself (its `rate` update) and raises its own warning;
these rules cover a finished project, or a complaint with no project: one rating is
scored like the project's satisfaction (mean ÷ 5 × 100, domain/kpi.py) and compared with
`policy.warnings.min_satisfaction_score` (80 by default: ratings 1–3 warn, 4–5 do not).
"""

from __future__ import annotations

from typing import Any, Literal

from domain import step_kinds as kinds
from domain.kpi import satisfaction_score
from domain.models import Actor, Role
from domain.steps import BaseOutcome, Context

Source = Literal["revisit", "complaint"]


def below_threshold(rating: int, ctx: Context) -> bool:
    score = satisfaction_score([rating])
    return score is not None and score < ctx.policy.warnings.min_satisfaction_score


def rate_after_project(out: BaseOutcome[Any], rating: int, actor: Actor | None, *, source: Source,
                       source_id: str, project_id: str | None, agent_id: str | None,
                       department: str | None) -> bool:  # fmt: skip
    """Record the rating (a `ratings` row with its source) and, below the threshold, the
    satisfaction warning (a `warnings` row) with a notice to the department's dept_head —
    operations when no department is known. True when a warning was raised."""
    out.record(kinds.Rated(rating=rating, source=source, source_id=source_id, project_id=project_id,
                           agent_id=agent_id, department=department), actor)  # fmt: skip
    if not below_threshold(rating, out.ctx):
        return False
    score, threshold = satisfaction_score([rating]), out.ctx.policy.warnings.min_satisfaction_score
    reasons = [f"satisfaction_score {score} < {threshold}"]
    out.record(kinds.SatisfactionWarning(reasons=reasons, rating=rating, source=source, source_id=source_id,
                                         project_id=project_id, agent_id=agent_id, department=department))  # fmt: skip
    to = Role.dept_head if department else Role.operations
    out.notify("warning", "notify.satisfaction_warning", to, None, source=source, source_id=source_id,
               rating=rating, reasons=reasons)  # fmt: skip
    return True
