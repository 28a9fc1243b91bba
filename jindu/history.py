"""A history line's details: what each kind of step shows beside its title (`web.event.<kind>`),
who acted and the comment — the stages of a stage change, a decision's gate, a risk's level,
who handed a wait to whom. Matched on the step's type (domain/step_union.py): a kind added
there and not named here is a mypy error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, assert_never

from markupsafe import Markup, escape
from pydantic import ValidationError

from domain import service_steps as service
from domain import step_kinds as k
from domain.cost_steps import CostRecorded
from domain.deal_facts import DealConfirmed, DealRecorded
from domain.risk_steps import RiskAdded, RiskClosed, RiskOccurred, RiskUpdated
from domain.step_union import StepFacts, parse_facts

Translate = Callable[..., str]
Has = Callable[[str], bool]


class Formats(Protocol):
    def time(self, value: Any) -> str: ...

    def money(self, value: Any) -> str: ...


@dataclass(frozen=True)
class Line:
    """`detail` follows the title; `note` (who did it for whom) stands in for the actor."""

    detail: Markup = Markup("")
    note: str = ""


def line(kind: str, data: Mapping[str, Any] | None, actor_name: str | None, t: Translate, has: Has,
         fmt: Formats) -> Line:  # fmt: skip
    """The details of a stored step (`t`, `has` and `fmt` are the page's); none for data its
    kind cannot read (a hand-made row)."""
    try:
        facts = parse_facts(kind, dict(data or {}))
    except ValidationError:
        return Line()
    return details(facts, actor_name or "", t, has, fmt)


def details(f: StepFacts, by: str, t: Translate, has: Has, fmt: Formats) -> Line:
    match f:
        case k.StageChanged():
            before = t(f"web.stage.{f.before.value}") if f.before else ""
            return Line(_text(t("web.event.stage_from_to", before=before, after=t(f"web.stage.{f.to.value}"))))
        case k.DecisionRecorded():
            text = _text(t("web.event.gate_decision", gate=t(f"web.gate.{f.gate.value}"),
                           decision=t(f"web.decision.{f.decision.value}")))  # fmt: skip
            behalf = f.on_behalf_of
            if behalf is None:
                return Line(text)
            return Line(text, t("web.event.on_behalf", by=by, behalf=behalf.name or "",
                                role=t(f"web.role.{behalf.role.value}")))  # fmt: skip
        case RiskAdded() | RiskUpdated():
            return Line(_text(t("web.event.risk", id=f.risk_id)) + Markup(" · ") + _level(f.level.value, t))
        case RiskOccurred():
            text = _text(t("web.event.risk", id=f.risk_id))
            return Line(text + _text(f" · {t('web.event.risk_loss', amount=fmt.money(f.loss_amount))}")
                        if f.loss_amount is not None else text)  # fmt: skip
        case RiskClosed():
            return Line(_text(t("web.event.risk", id=f.risk_id)))
        case DealRecorded():  # issue 14: the deal's own steps (DealWorkflow), in the project's history
            return Line(_text(t("web.event.deal_sum", value=fmt.money(Decimal(f.value_fen).scaleb(-2)),
                                commission=fmt.money(Decimal(f.commission_fen).scaleb(-2)))))  # fmt: skip
        case DealConfirmed():
            return Line()
        case CostRecorded():
            key = "web.event.cost_over" if f.over_budget and f.budget is not None else "web.event.cost"
            return Line(_text(t(key, amount=fmt.money(f.amount), total=fmt.money(f.total),
                                budget=fmt.money(f.budget))))  # fmt: skip
        case k.Reassigned():
            return Line(note=t("web.event.reassigned_detail", by=by, what=target(f.target, t, has),
                               previous=assignee(f.previous, t, has), to=f.to or ""))  # fmt: skip
        case k.DeadlineExtended():
            return Line(note=t("web.event.extended_detail", by=by, what=target(f.target, t, has),
                               before=fmt.time(f.previous_due_at), after=fmt.time(f.due_at), days=f.working_days))
        case (k.Intake() | k.Assessed() | k.PlanSubmitted() | k.WeeklyReported() | k.ResultsSubmitted()
              | k.Accepted() | k.Objected() | k.TaskCreated() | k.TaskCompleted() | k.KpisUpdated()
              | k.WarningRaised() | k.WarningAnalysed() | k.WarningCleared() | k.Archived() | k.Declined()
              | k.Completed() | k.Cancelled() | k.Reminded() | k.Escalated() | k.WeeklyReportMissed()
              | k.CalendarPublished() | k.ComplaintTasksAsked() | k.Rated() | k.SatisfactionWarning()
              | k.CustomerDataDisposed() | k.Reset() | k.Terminated() | k.Reconciled()
              | service.Filed() | service.Replied() | service.TasksOpened() | service.TasksNotOpened()
              | service.Confirmed() | service.Closed() | service.Reopened() | service.RatingSent()
              | service.RevisitScheduled() | service.RevisitOpened() | service.RevisitDone()):
            return Line()  # the title, the actor and the comment say it
        case _:
            assert_never(f)


def target(value: str, t: Translate, has: Has) -> str:
    """A wait's target (`pending`, `warning_analysis`, `task:<id>`) in words."""
    kind, _, ident = value.partition(":")
    return t(f"web.target.{kind}", id=ident) if has(f"web.target.{kind}") else value


def assignee(label: str, t: Translate, has: Has) -> str:
    """A wait's label as recorded: a user name, or role@department for a role-level wait."""
    role, _, department = label.partition("@")
    if not has(f"web.role.{role}"):
        return label
    return f"{t(f'web.role.{role}')} · {department}" if department else t(f"web.role.{role}")


def _text(value: str) -> Markup:
    return Markup(escape(value))


def _level(value: str, t: Translate) -> Markup:
    return Markup('<span class="level level-{}">{}</span>').format(value, t(f"web.level.{value}"))

