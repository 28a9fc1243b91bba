"""Rows as the project, complaint, revisit and risk record activities leave them, inserted
directly for the appraisal tests (tests/api/test_appraisal.py, tests/web/test_appraisal_page.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from domain.models import Actor, Role, Stage
from domain.project import Kpis
from tests.fixtures_db import insert_read_model, new_project_id, project_state

SH = ZoneInfo("Asia/Shanghai")
SEQ = count(1)


def at(day: int, hour: int = 10, month: int = 11, year: int = 2025, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


class Seed:
    """Rows as the writers leave them, for one department."""

    def __init__(self, pool, department: str) -> None:
        self.pool, self.department = pool, department

    async def project(self, agent, *, stage: Stage = Stage.execution, completed_at: datetime | None = None,
                      deviation: float | None = None) -> str:  # fmt: skip
        pid = new_project_id()
        actor = Actor(user_id=agent.id, name=agent.name, role=Role.agent, department=self.department)
        state = project_state(pid, stage=stage, agent=actor, completed_at=completed_at,
                              kpis=Kpis(cycle_deviation_rate=deviation))  # fmt: skip
        await insert_read_model(self.pool, state)
        return pid

    async def milestone(self, pid: str, name: str, due: date, done: date | None = None) -> None:
        await self.pool.execute("INSERT INTO milestones (project_id, name, due_date, done_on) VALUES ($1, $2, $3, $4)",
                                pid, name, due, done)  # fmt: skip

    async def event(self, pid: str, kind: str, when: datetime, **data) -> str:
        seq = next(SEQ)
        key = f"{pid}:{seq}"
        await self.pool.execute(
            "INSERT INTO events (step_key, project_id, seq, kind, at, data) VALUES ($1, $2, $3, $4, $5, $6)",
            key, pid, seq, kind, when, data)  # fmt: skip
        return key

    async def review(self, pid: str, decision: str, when: datetime, round_: int = 1) -> None:
        key = await self.event(pid, "decision", when, gate="result_review", decision=decision)
        await self.pool.execute(
            """INSERT INTO approvals (step_key, project_id, gate, level, decision, by_user_id, by_name, at, round)
               VALUES ($1, $2, 'result_review', 'dept_head', $3, 'u-head', 'Head', $4, $5)""",
            key, pid, decision, when, round_)  # fmt: skip

    async def report(self, pid: str, agent, when: datetime, on_time: bool = True) -> None:
        key = await self.event(pid, "weekly_report", when)
        await self.pool.execute(
            """INSERT INTO weekly_reports (step_key, project_id, agent_id, department, at, progress, next_week_plan,
                   on_time) VALUES ($1, $2, $3, $4, $5, 'p', 'n', $6)""",
            key, pid, agent.id, self.department, when, on_time)  # fmt: skip

    async def missed(self, pid: str, due: datetime) -> None:
        await self.event(pid, "weekly_report_missed", due + timedelta(seconds=1), due_at=due.isoformat(),
                         missed_in_row=1)  # fmt: skip

    async def rating(self, pid: str | None, agent, rating: int, when: datetime, source: str) -> None:
        await self.pool.execute(
            """INSERT INTO ratings (step_key, project_id, agent_id, department, rating, at, source)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            f"r-{uuid.uuid4().hex}", pid, agent.id, self.department, rating, when, source)  # fmt: skip

    async def complaint(self, *, pid: str | None, agent, filed: datetime, first_due: datetime,
                        first_replied: datetime | None, resolution_due: datetime, answered: datetime | None = None,
                        resolved: bool | None = None, satisfied: bool | None = None, rating: int | None = None,
                        department: str | None = "") -> None:  # fmt: skip
        cid = f"c-{uuid.uuid4().hex[:12]}"
        await self.pool.execute(
            """INSERT INTO complaints (id, workflow_id, project_id, department, agent_id, channel, content, filed_by_id,
                   filed_by_role, status, filed_at, first_reply_due_at, first_replied_at, resolution_due_at,
                   answered_at, resolved, satisfied, rating)
               VALUES ($1, 'complaint-' || $1, $2, $3, $4, 'phone', 'late again', 'u-x', 'operations', 'open',
                       $5, $6, $7, $8, $9, $10, $11, $12)""",
            cid, pid, self.department if department == "" else department, agent.id if agent else None, filed,
            first_due, first_replied, resolution_due, answered, resolved, satisfied, rating)  # fmt: skip

    async def risk_event(self, pid: str, agent, when: datetime, loss: str | None) -> None:
        rid = f"risk-{uuid.uuid4().hex[:12]}"
        await self.pool.execute(
            """INSERT INTO risks (id, project_id, category, description, likelihood, impact, level, response,
                   owner_user_id, owner_name, review_on, review_due_at, status, created_at, updated_at,
                   occurred_at, loss_amount)
               VALUES ($1, $2, 'credit', 'buyer may default', 'high', 'high', 'high', 'reduce', $3, $4, $5, $6,
                       'occurred', $6, $6, $6, $7)""",
            rid, pid, agent.id, agent.name, when.date(), when, Decimal(loss) if loss else None)  # fmt: skip
        await self.pool.execute(
            """INSERT INTO risk_events (step_key, risk_id, project_id, department, agent_id, loss_amount, at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            f"{rid}:occurred", rid, pid, self.department, agent.id, Decimal(loss) if loss else None, when)  # fmt: skip

    async def suggestion(self, when: datetime, adopted: bool | None, department: str | None = "") -> None:
        await self.pool.execute(
            """INSERT INTO suggestions (id, source, source_id, department, text, created_at, adopted)
               VALUES ($1, 'revisit', 'v-1', $2, 'open on Saturdays', $3, $4)""",
            f"s-{uuid.uuid4().hex[:12]}", self.department if department == "" else department, when, adopted)
