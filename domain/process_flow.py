"""Walking a process's nodes (issue 15): entering an approval or task, evaluating conditions,
sending cc's, passing a node and ending the process. Used by domain/process_rules.py (what
people do) and domain/process_clock.py (what the clock does).
"""

from __future__ import annotations

from typing import Any

from domain import process_steps as kinds
from domain.errors import Invalid
from domain.models import Actor, Role
from domain.process_conditions import evaluate
from domain.process_form import condition_values
from domain.process_models import NodeRun, ProcessStart, ProcessState, ProcessStatus, Slot
from domain.process_people import resolve
from domain.process_template import AnyNode, ApprovalNode, CcNode, ConditionNode, ProcessTemplate, TaskNode
from domain.sla import due_at
from domain.steps import BaseOutcome, Context, Notice, NoticeKind, Step

MAX_HOPS = 200  # conditions and cc's only jump forward; this bounds a malformed flow anyway


class ProcessOutcome(BaseOutcome[ProcessState]):
    """A process transition's result: its steps are domain/process_steps.py's kinds."""

    def log(self, facts: kinds.ProcessFacts, actor: Actor | None = None, comment: str = "", /) -> int:
        s = self.state
        s.seq += 1
        s.updated_at = self.ctx.now
        self.steps.append(Step(seq=s.seq, kind=facts.kind, actor=actor, comment=comment, data=facts.data()))
        return s.seq

    def tell(self, kind: NoticeKind, key: str, slot: Slot, /, **params: Any) -> None:
        """Notify a slot's person, or its role in its department."""
        self.tell_role(kind, key, slot.role, slot.department, slot.user_id, **params)

    def tell_role(self, kind: NoticeKind, key: str, role: Role, department: str | None, user_id: str | None = None,
                  /, **params: Any) -> None:  # fmt: skip
        s = self.state
        seq = self.steps[-1].seq if self.steps else s.seq
        scope, _ = s.notice_scope()
        node = {"node": s.current.node_id} if s.current else {}
        self.notices.append(Notice(seq=seq, kind=kind, key=key, params={**scope, **node, **params}, to_role=role,
                                   to_user_id=user_id, department=department))  # fmt: skip


def node_name(node: AnyNode) -> str:
    return node.name or node.id or ""


def _target(t: ProcessTemplate, index: int, target: str) -> int | None:
    """The index a jump goes to; None ends the process."""
    if target == "end":
        return None
    return index + 1 if target == "next" else t.index(target)


def slots_of(flow: ProcessStart, node: ApprovalNode | TaskNode | CcNode) -> list[Slot]:
    slots = [resolve(a, f"s{i}", flow.applicant, flow.form, flow.people) for i, a in enumerate(node.approvers, 1)]
    if getattr(node, "mode", None) == "sequence":
        for before, slot in zip(slots, slots[1:], strict=False):
            slot.blocked_by = [before.id]
    return slots


def enter(out: ProcessOutcome, flow: ProcessStart, index: int | None) -> None:
    """Go to node `index` and on until a node waits on people, or the end."""
    t = flow.template
    for _ in range(MAX_HOPS):
        if index is None or index >= len(t.nodes):
            end(out, ProcessStatus.completed)
            return
        node = t.nodes[index]
        assert node.id is not None
        if isinstance(node, ConditionNode):
            fields = [*t.form, *(f for n in t.nodes if isinstance(n, TaskNode) for f in n.fields)]
            values = condition_values(fields, {**flow.form, **out.state.answers})
            result = evaluate(node.when, {**values, **applicant_names(flow)})
            goto = node.then if result else node.otherwise
            out.log(kinds.Branched(node=node.id, result=result, goto=goto))
            index = _target(t, index, goto)
        elif isinstance(node, CcNode):
            slots = slots_of(flow, node)
            out.log(kinds.CcSent(node=node.id, to=[x.label() for x in slots]))
            for slot in slots:
                out.tell("info", "process.cc", slot, name=node_name(node))
            index = _target(t, index, node.next)
        else:
            wait_at(out, flow, node, slots_of(flow, node))
            return
    raise Invalid("the process does not reach an end", "process_no_end")  # pragma: no cover - forward jumps only


def wait_at(out: ProcessOutcome, flow: ProcessStart, node: ApprovalNode | TaskNode, slots: list[Slot]) -> None:
    s, ctx = out.state, out.ctx
    assert node.id is not None
    due = due_at(ctx.now, node.sla, ctx.calendar, ctx.policy.calendar.working_hours) if node.sla else None
    mode = node.mode if isinstance(node, ApprovalNode) else "all"
    s.current = NodeRun(node_id=node.id, type=node.type, mode=mode, slots=slots, since=ctx.now, due_at=due,
                        slots_made=len(slots))  # fmt: skip
    out.log(kinds.NodeEntered(node=node.id, type=node.type, mode=mode, assignees=[x.label() for x in slots],
                              due_at=due))  # fmt: skip
    for slot in s.current.open_slots():
        out.tell("assigned", f"process.assigned.{node.type}", slot, name=node_name(node), due_at=due)


def passed(out: ProcessOutcome, flow: ProcessStart) -> None:
    """The current node is done: on to what follows it."""
    s, t = out.state, flow.template
    assert s.current is not None
    node_id = s.current.node_id
    out.log(kinds.NodePassed(node=node_id))
    s.visited.append(node_id)
    s.current = None
    index = t.index(node_id)
    enter(out, flow, _target(t, index, t.nodes[index].next))


def end(out: ProcessOutcome, status: ProcessStatus) -> None:
    s = out.state
    s.status, s.ended_at, s.current = status, out.ctx.now, None
    out.log(kinds.Ended(status=status.value))
    a = s.applicant
    out.tell_role("info", f"process.{status.value}", a.role, a.department, a.user_id)


def applicant_names(flow: ProcessStart) -> dict[str, Any]:
    a = flow.applicant
    return {"applicant": a.name, "applicant_role": a.role.value, "department": a.department}


def begin(flow: ProcessStart, ctx: Context) -> ProcessOutcome:
    """A new instance: recorded as started by its applicant, then on to its first node."""
    assert flow.calendar is not None, "a process starts with its official dates"
    t = flow.template
    state = ProcessState(process_id=flow.process_id, template_key=t.key, template_name=t.name, version=t.version,
                         applicant=flow.applicant, department=flow.applicant.department, started_at=flow.started_at,
                         updated_at=flow.started_at, calendar=flow.calendar)  # fmt: skip
    out = ProcessOutcome.begin(state, ctx)
    out.log(kinds.Started(template=t.key, version=t.version, form=flow.form), flow.applicant)
    enter(out, flow, 0)
    return out
