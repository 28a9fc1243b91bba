"""Records of v1 projects (workflows/v1, frozen): their steps carry a full state snapshot,
which is turned into the v2 read model here, so both kinds of project read the same way.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from domain.models import Actor
from domain.steps import RecordBatch, Step
from workflows.v1.state import ProjectState, StepRecord


def view(s: ProjectState) -> dict[str, Any]:
    """ProjectState.read_view() of a v1 snapshot."""
    assessment = None
    if s.in_scope and s.risk_level is not None:
        assessment = {"difficulty": s.difficulty, "risk_level": s.risk_level, "budget": str(s.budget),
                      "expected_cycle_days": s.expected_cycle_days,
                      "original_expected_cycle_days": s.original_expected_cycle_days}  # fmt: skip
    warning = s.warning
    return {
        "stage": s.stage.value,
        "risk_level": s.risk_level.value if s.risk_level else None,
        "assessment": assessment,
        "initiation_levels": [r.value for r in s.initiation_levels],
        "pending": s.pending.model_dump(mode="json", exclude={"description"}) if s.pending else None,
        "overdue": s.is_overdue(),
        "warning": {"active": warning.active, "reasons": warning.reasons,
                    "raised_at": warning.raised_at.isoformat() if warning.raised_at else None,
                    "cause": warning.cause.value if warning.cause else None,
                    "analysis_due_at": warning.pending.due_at.isoformat() if warning.pending else None},  # fmt: skip
        "kpis": s.kpis.model_dump(mode="json"),
        "reports": s.reports.model_dump(mode="json") | {"results_submissions": s.results_submissions},
        "first_review_passed": s.first_review_passed,
        "completed_at": s.completed_at.isoformat() if s.completed_at else None,
        "archive_bundle_id": s.archive_bundle_id,
    }


def step(record: StepRecord) -> Step:
    data = dict(record.data)
    if record.kind == "task_created" and (task := record.state.task(data.get("task_id", ""))) is not None:
        data |= {"owner_id": task.owner_user_id, "owner_role": task.owner_role.value,
                 "department": task.department, "round": task.round}  # fmt: skip
    actor = None
    if record.actor_id and record.actor_role:
        actor = Actor(user_id=record.actor_id, name=record.actor_name, role=record.actor_role)
    return Step(seq=record.seq, kind=record.kind, actor=actor, comment=record.comment, data=data)


def batch(records: list[StepRecord]) -> RecordBatch:
    records = sorted(records, key=lambda r: r.seq)
    last = records[-1]
    return RecordBatch(project_id=last.project_id, version=last.seq, at=last.at,
                       steps=[step(r) for r in records], view=view(last.state))  # fmt: skip


async def ensure_project(conn: asyncpg.Connection, s: ProjectState) -> None:
    await conn.execute(
        """INSERT INTO projects (id, workflow_id, stage, department, business_type, channel, agent_id, agent_name,
               customer_user_id, created_at, updated_at, requirement)
           VALUES ($1, 'project-' || $1, 'intake', $2, $3, $4, $5, $6, $7, $8, $8, $9) ON CONFLICT (id) DO NOTHING""",
        s.project_id, s.department, s.business_type, s.channel.value, s.agent_id, s.agent_name, s.customer_user_id,
        s.created_at, s.requirement,
    )  # fmt: skip


async def sync_milestones(conn: asyncpg.Connection, s: ProjectState) -> None:
    """v1 steps do not say which milestones they completed; the snapshot does."""
    await conn.executemany(
        "UPDATE milestones SET done_on = $3 WHERE project_id = $1 AND name = $2",
        [(s.project_id, m.name, m.done_on) for m in s.milestones],
    )
