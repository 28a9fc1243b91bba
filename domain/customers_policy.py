"""The company's customer rules as data (RULES §Customers before and around a project):
follow-up cadence and protection period per grade (004 第4篇 §7, §10; the 公海 pool rule).

A customer graded A is followed up every 2 working days, B weekly, C every two weeks, D
monthly. A follow-up not made by its date is reminded, then escalated to the dept head
`escalate_after_working_days` later; `pool_after_working_days` after the date the owner
loses the customer to the department's pool (公海). The protection period is thus the
cadence plus `pool_after_working_days`.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field, model_validator


class Grade(StrEnum):
    """Intent: A hot … D cold (004 第4篇 §7)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class Cadence(BaseModel):
    """How often a grade is followed up and how long its owner keeps it unattended."""

    working_days: int | None = Field(default=None, ge=1, le=250, description="Next follow-up in working days")
    days: int | None = Field(default=None, ge=1, le=366, description="…or in calendar days (a working day's cut-off)")
    escalate_after_working_days: int = Field(default=1, ge=0, le=60)
    pool_after_working_days: int = Field(default=3, ge=0, le=120, description="Protection beyond the due date")

    @model_validator(mode="after")
    def _one_unit(self) -> Cadence:
        if (self.working_days is None) == (self.days is None):
            raise ValueError("a cadence is written in one of working_days or days")
        if self.pool_after_working_days < self.escalate_after_working_days:
            raise ValueError("a customer goes to the pool after the escalation, not before")
        return self


def default_cadences() -> dict[Grade, Cadence]:
    return {
        Grade.A: Cadence(working_days=2, escalate_after_working_days=1, pool_after_working_days=3),
        Grade.B: Cadence(days=7, escalate_after_working_days=1, pool_after_working_days=5),
        Grade.C: Cadence(days=14, escalate_after_working_days=2, pool_after_working_days=10),
        Grade.D: Cadence(days=30, escalate_after_working_days=3, pool_after_working_days=20),
    }


class CustomerPolicy(BaseModel):
    cadence: dict[Grade, Cadence] = Field(default_factory=default_cadences)
    visit_registration_minutes: int = Field(
        default=30, ge=1, le=600,
        description="Older form of the SLA visit_registration (working minutes to register a visit)")

    @model_validator(mode="after")
    def _every_grade(self) -> CustomerPolicy:
        merged = default_cadences()
        merged.update(self.cadence)
        self.cadence = merged
        return self
