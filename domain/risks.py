"""Keeping a project's risk register (domain/risk.py): adding and changing risks, a risk that
occurs (a risk event, with its loss) and one that is closed. The project's agent or the
department's head keeps it, at any stage before archiving.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain import guards
from domain import risk_steps as kinds
from domain.errors import AlreadyDecided, Forbidden, Invalid, NotFound, WrongStage
from domain.models import TERMINAL_STAGES, Actor, Role, Stage
from domain.project import ProjectState, Risk
from domain.risk import RiskStatus, attention, expected_loss, risk_level
from domain.risk_commands import AddRiskCommand, UpdateRiskCommand
from domain.steps import Context, Outcome

SETTLED = (RiskStatus.occurred, RiskStatus.closed)


def check_keeper(state: ProjectState, actor: Actor) -> None:
    if actor.role == Role.dept_head:
        if actor.department != state.department:
            raise Forbidden(f"{actor.label()} heads {actor.department}, not {state.department}",
                            "heads_other", who=actor.label(), department=actor.department, theirs=state.department)
    else:
        guards.require_agent(state, actor)
    if state.stage in TERMINAL_STAGES or state.stage == Stage.archiving:
        raise WrongStage(f"project {state.project_id} is {state.stage.value}: its register is closed",
                         "register_closed", project_id=state.project_id, stage=state.stage.value)


def check_review_on(review_on: date, today: date) -> None:
    if not today <= review_on <= today + guards.PLAN_HORIZON:
        raise Invalid(f"review_on must lie between today ({today.isoformat()}) and ten years ahead",
                      "review_date_range", today=today.isoformat())


def check_add(state: ProjectState, cmd: AddRiskCommand, today: date) -> None:
    check_keeper(state, cmd.actor)
    check_review_on(cmd.body.review_on, today)


def open_risk(state: ProjectState, risk_id: str) -> Risk:
    risk = next((r for r in state.risks if r.id == risk_id), None)
    if risk is not None:
        return risk
    number = risk_id.removeprefix(f"{state.project_id}-r")
    if number != risk_id and number.isdigit() and 1 <= int(number) <= state.risks_added:
        raise AlreadyDecided(f"risk {risk_id} is settled (it occurred or was closed)", "risk_settled", risk_id=risk_id)
    raise NotFound(f"no risk {risk_id} in project {state.project_id}",
                   "no_risk", risk_id=risk_id, project_id=state.project_id)


def check_update(state: ProjectState, cmd: UpdateRiskCommand, today: date) -> None:
    check_keeper(state, cmd.actor)
    open_risk(state, cmd.risk_id)
    if cmd.body.review_on is not None:
        check_review_on(cmd.body.review_on, today)


def review_wait(out: Outcome, risk: Risk, owner: Actor, review_on: date) -> None:
    risk.role, risk.user_id, risk.user_name = owner.role, owner.user_id, owner.name
    risk.department = owner.department or out.state.department
    risk.since, risk.due_at, risk.steps_done = out.ctx.now, out.ctx.calendar.end_of_day(review_on), 0


def alert(out: Outcome, risk: Risk, before: list[Role]) -> None:
    """Tell those whose attention the risk newly needs (a high level or a large expected loss)."""
    for role in attention(risk.level, risk.expected_loss, out.ctx.policy.risk):
        if role not in before:
            out.notify("warning", "notify.risk_attention", role, None, risk_id=risk.id, level=risk.level.value,
                       expected_loss=str(risk.expected_loss) if risk.expected_loss is not None else "")


def add_risk(state: ProjectState, cmd: AddRiskCommand, ctx: Context) -> Outcome:
    check_add(state, cmd, ctx.today)
    out, body = Outcome.begin(state, ctx), cmd.body
    s = out.state
    s.risks_added += 1
    risk = Risk(id=f"{s.project_id}-r{s.risks_added}", category=body.category, likelihood=body.likelihood,
                impact=body.impact, level=risk_level(body.likelihood, body.impact), probability=body.probability,
                loss_amount=body.loss_amount, expected_loss=expected_loss(body.probability, body.loss_amount),
                sla="risk_review", role=cmd.owner.role, since=ctx.now, due_at=ctx.now)  # fmt: skip
    review_wait(out, risk, cmd.owner, body.review_on)
    s.risks.append(risk)
    out.record(kinds.RiskAdded(risk_id=risk.id, level=risk.level, category=body.category, likelihood=body.likelihood,
                               impact=body.impact, probability=body.probability, loss_amount=body.loss_amount,
                               expected_loss=risk.expected_loss, response=body.response, measures=body.measures,
                               review_on=body.review_on, owner=cmd.owner.name, owner_id=cmd.owner.user_id,
                               due_at=risk.due_at), cmd.actor, body.description)  # fmt: skip
    alert(out, risk, [])
    return out


def update_risk(state: ProjectState, cmd: UpdateRiskCommand, ctx: Context) -> Outcome:
    """Change what is given; the level and the expected loss follow. Settling it (occurred,
    closed) takes it off the register's open risks, a risk event first if it occurred."""
    check_update(state, cmd, ctx.today)
    out, body = Outcome.begin(state, ctx), cmd.body
    s = out.state
    risk = open_risk(s, cmd.risk_id)
    before = attention(risk.level, risk.expected_loss, ctx.policy.risk)
    # What a change gives is what is not null (the set of fields sent does not survive the
    # update's payload; a value is changed, never cleared).
    given = {name for name, value in body if value is not None}
    for name in ("category", "likelihood", "impact", "probability", "loss_amount"):
        if name in given:
            setattr(risk, name, getattr(body, name))
    risk.level = risk_level(risk.likelihood, risk.impact)
    risk.expected_loss = expected_loss(risk.probability, risk.loss_amount)
    if cmd.owner is not None or body.review_on is not None:
        owner = cmd.owner or Actor(user_id=risk.user_id or "-", name=risk.user_name, role=risk.role,
                                   department=risk.department)  # fmt: skip
        review_wait(out, risk, owner, body.review_on or ctx.calendar.local_date(risk.due_at))
    reviewed = cmd.owner is not None or body.review_on is not None
    out.record(kinds.RiskUpdated(
        risk_id=risk.id, level=risk.level, expected_loss=risk.expected_loss, category=body.category,
        likelihood=body.likelihood, impact=body.impact, probability=body.probability, loss_amount=body.loss_amount,
        response=body.response, measures=body.measures, review_on=body.review_on,
        owner=cmd.owner.name if cmd.owner else None, owner_id=cmd.owner.user_id if cmd.owner else None,
        due_at=risk.due_at if reviewed else None), cmd.actor, body.description or "")  # fmt: skip
    alert(out, risk, before)
    if body.status in SETTLED:
        s.risks.remove(risk)
        if body.status == RiskStatus.occurred:
            loss = body.loss_amount if body.loss_amount is not None else risk.loss_amount
            out.record(kinds.RiskOccurred(risk_id=risk.id, loss_amount=loss), cmd.actor)
            out.notify("warning", "notify.risk_occurred", Role.dept_head, None, risk_id=risk.id,
                       loss_amount=_money(loss) or "")  # fmt: skip
        else:
            out.record(kinds.RiskClosed(risk_id=risk.id), cmd.actor)
    return out


def settle_at_end(state: ProjectState, ctx: Context) -> Outcome:
    """A finished project (completed, declined or cancelled) keeps no open risk: each is
    closed, recorded as closed by the project's end, so no review stays in an inbox."""
    out = Outcome.begin(state, ctx)
    for risk in list(out.state.risks):
        out.state.risks.remove(risk)
        out.record(kinds.RiskClosed(risk_id=risk.id, reason=f"project_{state.stage.value}"))
    return out


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
