"""What falls due with time alone at a process node (issue 15): at its deadline, its timeout
action — remind the open slots, escalate one level above them, approve or reject in their
place — then its escalation chain, step k at the cut-off `after_working_days` working days
after the deadline (as every wait, domain/waits.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain import process_steps as kinds
from domain.process_flow import ProcessOutcome, end, passed
from domain.process_models import ProcessStart, ProcessState, ProcessStatus
from domain.process_people import above
from domain.process_template import ApprovalNode, TaskNode
from domain.steps import Context


def _node(flow: ProcessStart, state: ProcessState) -> ApprovalNode | TaskNode | None:
    c = state.current
    if c is None or c.due_at is None or state.status != ProcessStatus.running:
        return None
    node = flow.template.node(c.node_id)
    assert isinstance(node, (ApprovalNode, TaskNode))
    return node


def next_due(flow: ProcessStart, state: ProcessState, ctx: Context) -> datetime | None:
    node, c = _node(flow, state), state.current
    if node is None or c is None or c.due_at is None:
        return None
    if not c.timed_out:
        return c.due_at
    if c.chain_done >= len(node.escalation):
        return None
    after = node.escalation[c.chain_done].after_working_days
    return c.due_at if after == 0 else ctx.calendar.add_working_days(c.due_at - timedelta(seconds=1), after)


def tick(flow: ProcessStart, state: ProcessState, ctx: Context) -> ProcessOutcome:
    out = ProcessOutcome.begin(state, ctx)
    while (at := next_due(flow, out.state, ctx)) is not None and at <= ctx.now:
        fire(out, flow)
    return out


def fire(out: ProcessOutcome, flow: ProcessStart) -> None:
    s = out.state
    node, c = _node(flow, s), s.current
    assert node is not None and c is not None and c.due_at is not None and node.id is not None
    slots = c.open_slots()
    if not c.timed_out:
        c.timed_out = True
        action = node.timeout
        to = [x.label() for x in slots] if action != "escalate" else [above(x.role, 1).value for x in slots]
        out.log(kinds.TimedOut(node=node.id, action=action, due_at=c.due_at, to=to))
        if action == "auto_approve":
            for x in slots:
                x.decision = "approve"
            s.decided = True
            passed(out, flow)
        elif action == "auto_reject":
            s.decided = True
            end(out, ProcessStatus.rejected)
        else:
            _chase(out, action, 1, due=c.due_at)
        return
    step = node.escalation[c.chain_done]
    c.chain_done += 1
    levels = step.levels_up if step.action == "escalate" else 0
    roles = sorted({(above(x.role, levels).value if levels else x.role.value) for x in slots})
    out.log(kinds.Chased(node=node.id, action=step.action, step=c.chain_done, to_role=",".join(roles)))
    _chase(out, step.action, levels or 1, due=c.due_at)


def _chase(out: ProcessOutcome, action: str, levels: int, *, due: datetime) -> None:
    c = out.state.current
    assert c is not None
    for x in c.open_slots():
        if action == "remind":
            out.tell("reminder", "process.reminder", x, due_at=due)
        else:
            role = above(x.role, levels)
            out.tell_role("escalation", "process.escalation", role, x.department if role.value != "executive"
                          else None, None, assignee=x.label(), due_at=due)  # fmt: skip
