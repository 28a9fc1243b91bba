"""A deal 成交 as steps decided by its own workflow, DealWorkflow `deal-<project_id>` (issue 14;
RULES §Customers before and around a project; 001 业务质量考核 §1, 003 3.4).

1. The project's agent records the deal once (domain/deals.py says who, in which stages and
   with which split): its date, value, commission and each agent's part in fen. The
   project's dept head then owes its confirmation within the `deal_confirmation` SLA.
2. Not confirmed in time, the confirmation is reminded to the department's dept heads and
   escalated up the ladder like every wait (domain/waits.py, the SLA's chain).
3. The dept head of the project's department confirms it; the deal then counts and its
   workflow ends. A second record is 409 `deal_exists`, a second confirmation 409
   `deal_confirmed`.
The state holds ids, money and dates only: never the customer's personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from domain import waits
from domain.approval import escalation_target
from domain.commands import Command
from domain.deal_facts import DealConfirmed, DealRecorded, PartFen
from domain.deals import Part
from domain.errors import AlreadyDecided, Conflict, Forbidden, Invalid, NotFound
from domain.models import Role
from domain.project import Wait
from domain.service_models import Carries
from domain.service_state import Subject
from domain.step_kinds import About
from domain.steps import BaseOutcome, Context

SLA = "deal_confirmation"
ABOUT = About(what="deal")


def workflow_id(project_id: str) -> str:
    return f"deal-{project_id}"


def fen(yuan: Decimal) -> int:
    return int((yuan * 100).to_integral_exact())


def yuan(fen_: int) -> Decimal:
    return (Decimal(fen_) / 100).quantize(Decimal("0.01"))


def parts_in_fen(parts: list[Part]) -> list[PartFen]:
    return [PartFen(agent_id=p.agent_id, share=str(p.share), value_fen=fen(p.value),
                    commission_fen=fen(p.commission)) for p in parts]  # fmt: skip


class DealStatus(StrEnum):
    none = "none"  # started, nothing recorded yet
    recorded = "recorded"  # awaiting the dept head's confirmation
    confirmed = "confirmed"


class DealStart(Carries):
    """DealWorkflow's input, sent with the record (update-with-start): ids only."""

    project_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    department: str
    agent_id: str
    since: datetime
    carried: str | None = Field(default=None, description="The state as JSON, when continued as new")


class RecordDeal(Command):
    """The deal as the workflow records it: date, money in fen and the parts (agent ids)."""

    deal_date: date
    value_fen: int = Field(gt=0)
    commission_fen: int = Field(ge=0)
    parts: list[PartFen] = Field(min_length=1)
    attachment_ids: list[str] = Field(default_factory=list)


class ConfirmDeal(Command):
    """The dept head confirms the deal."""


class DealAck(BaseModel):
    seq: int
    status: str
    due_at: datetime | None = None


class DealState(Subject):
    project_id: str
    department: str
    agent_id: str
    status: DealStatus = DealStatus.none
    confirmation: Wait | None = None
    recorded_at: datetime | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str | None = None

    def notice_scope(self) -> tuple[dict[str, Any], str | None]:
        return {"project_id": self.project_id}, self.department

    def waits(self) -> list[Wait]:
        w = self.confirmation
        return [w] if w is not None and self.status == DealStatus.recorded else []

    def read_view(self) -> dict[str, Any]:
        """The deals row's workflow columns (store/deal_records.py); none before the record."""
        if self.status == DealStatus.none:
            return {}
        w = self.waits()
        return {"status": self.status.value, "due_at": w[0].due_at.isoformat() if w else None,
                "escalations": self.confirmation.steps_done if self.confirmation else 0, "overdue": self.is_overdue(),
                "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
                "confirmed_by": self.confirmed_by}  # fmt: skip


class DealOutcome(BaseOutcome[DealState]):
    """A deal transition's result."""


def start(begin: DealStart, ctx: Context) -> DealOutcome:
    """Nothing is recorded until the record update arrives (it started the workflow)."""
    assert begin.calendar is not None, "a deal starts with its official dates"
    state = DealState(project_id=begin.project_id, department=begin.department, agent_id=begin.agent_id,
                      updated_at=ctx.now, calendar=begin.calendar)  # fmt: skip
    return DealOutcome.begin(state, ctx)


# 1. Recorded by the project's agent.
def check_record(state: DealState, cmd: RecordDeal) -> None:
    if cmd.actor.role != Role.agent or cmd.actor.user_id != state.agent_id:
        raise Forbidden("only the project's agent records its deal", "deal_by_agent")
    if state.status != DealStatus.none:
        raise Conflict(f"project {state.project_id} has a deal already", "deal_exists", project_id=state.project_id)
    if (sum(p.value_fen for p in cmd.parts), sum(p.commission_fen for p in cmd.parts)) != (cmd.value_fen,
                                                                                          cmd.commission_fen):
        raise Invalid("split: the parts do not add up to the deal", "deal_parts")


def record(state: DealState, cmd: RecordDeal, ctx: Context) -> DealOutcome:
    check_record(state, cmd)
    out = DealOutcome.begin(state, ctx)
    s = out.state
    due = waits.due_in(ctx, SLA)
    s.status, s.recorded_at = DealStatus.recorded, ctx.now
    s.confirmation = Wait(sla=SLA, role=Role.dept_head, department=s.department, since=ctx.now, due_at=due)
    out.record(DealRecorded(deal_date=cmd.deal_date, value_fen=cmd.value_fen, commission_fen=cmd.commission_fen,
                            parts=cmd.parts, attachment_ids=cmd.attachment_ids, due_at=due), cmd.actor)  # fmt: skip
    out.notify("assigned", "notify.assigned.deal", Role.dept_head, None, due_at=due)
    return out


# 2. The confirmation is chased when missed.
def next_due(state: DealState, ctx: Context) -> datetime | None:
    w = state.waits()
    return waits.next_step_at(w[0], ctx) if w else None


def _up_the_ladder(wait: Wait, levels_up: int) -> tuple[Role, str | None]:
    return escalation_target(wait.role, levels_up), None


def tick(state: DealState, ctx: Context) -> DealOutcome:
    out = DealOutcome.begin(state, ctx)
    w = out.state.waits()
    if w and (at := waits.next_step_at(w[0], ctx)) is not None and at <= ctx.now:
        waits.escalate(out, w[0], ABOUT, _up_the_ladder)
    return out


# 3. Confirmed by the project's dept head.
def check_confirm(state: DealState, cmd: ConfirmDeal) -> None:
    actor = cmd.actor
    if actor.role != Role.dept_head or actor.department != state.department:
        raise Forbidden("only the project's dept head confirms its deal", "deal_confirm_by")
    if state.status == DealStatus.none:
        raise NotFound(f"project {state.project_id} has no deal", "no_deal", project_id=state.project_id)
    if state.status == DealStatus.confirmed:
        raise AlreadyDecided("the deal is already confirmed", "deal_confirmed")


def confirm(state: DealState, cmd: ConfirmDeal, ctx: Context) -> DealOutcome:
    check_confirm(state, cmd)
    out = DealOutcome.begin(state, ctx)
    s = out.state
    on_time = s.confirmation is None or ctx.now <= s.confirmation.due_at
    s.status, s.confirmed_at, s.confirmed_by = DealStatus.confirmed, ctx.now, cmd.actor.user_id
    out.record(DealConfirmed(on_time=on_time), cmd.actor)
    return out
