"""What people do to a running process (issue 15), as pure transitions like
domain/lifecycle.py: `check(flow, state, cmd)` refuses (403 wrong person, 409 wrong node or
status, 422 bad fields) before anything is written; `act(flow, state, cmd, ctx)` answers the
outcome with its steps and notices.

- approve / reject (a reason is required): by a person holding an open slot of an approval;
  one rejection ends the process; the node passes by its mode (会签 all, 或签 any, 依次 in turn).
- complete: a task's assignee, with the task's fields.
- return 退回: a slot holder sends the process back to a node it has passed (the last one by
  default); that node starts afresh.
- withdraw 撤回: the applicant, before anyone decided.
- transfer 转交: a slot holder hands their slot to another person.
- add_signer 加签: a slot holder adds a person before (they decide first) or after (they
  decide after) themselves; the added person belongs to the adder's place in 或签.
- urge 催办: the applicant (or operations) reminds the node's open slots.
- comment: the applicant, the node's people, operations and auditors.
"""

from __future__ import annotations

from domain import process_steps as kinds
from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Actor, Role
from domain.process_flow import ProcessOutcome, end, node_name, passed, slots_of, wait_at
from domain.process_form import check_form
from domain.process_models import NodeRun, ProcessCommand, ProcessStart, ProcessState, ProcessStatus, Slot
from domain.process_template import ApprovalNode, TaskNode
from domain.steps import Context

SLOT_ACTIONS = ("approve", "reject", "complete", "return", "transfer", "add_signer")
WATCHERS = (Role.operations, Role.auditor)


def _running(state: ProcessState) -> NodeRun:
    if state.status != ProcessStatus.running or state.current is None:
        raise WrongStage(f"process {state.process_id} is {state.status.value}",
                         "process_status", process_id=state.process_id, status=state.status.value)
    return state.current


def my_slot(state: ProcessState, actor: Actor) -> Slot:
    """The caller's open slot at the current node: 403 when they have none there, 409 when
    theirs is not open yet (依次, 加签) or already decided."""
    node = _running(state)
    mine = [s for s in node.slots if s.held_by(actor)]
    if not mine:
        raise Forbidden(f"{actor.label()} is not an approver of node {node.node_id}",
                        "not_approver", who=actor.label(), node=node.node_id)
    open_ids = {s.id for s in node.open_slots()}
    found = next((s for s in mine if s.id in open_ids), None)
    if found is None:
        raise WrongStage(f"node {node.node_id} is not waiting on {actor.label()} now",
                         "node_not_waiting", node=node.node_id, who=actor.label())
    return found


def _return_target(flow: ProcessStart, state: ProcessState, cmd: ProcessCommand) -> str:
    waiting = [v for v in state.visited if isinstance(flow.template.node(v), (ApprovalNode, TaskNode))]
    target = cmd.body.to_node or (waiting[-1] if waiting else None)
    if target is None:
        raise WrongStage("there is no earlier node to return to", "no_earlier_node")
    if target not in waiting:
        raise WrongStage(f'node "{target}" is not one this process has passed', "node_not_passed", node=target)
    return target


def check(flow: ProcessStart, state: ProcessState, cmd: ProcessCommand) -> None:
    body, actor = cmd.body, cmd.actor
    node = _running(state)
    kind = flow.template.node(node.node_id).type
    if body.action in SLOT_ACTIONS:
        my_slot(state, actor)
        if body.action in ("approve", "reject") and kind != "approval":
            raise WrongStage(f"node {node.node_id} is a task: it is completed, not approved",
                             "node_is_task", node=node.node_id)
        if body.action == "complete" and kind != "task":
            raise WrongStage(f"node {node.node_id} is an approval: it is approved or rejected",
                             "node_is_approval", node=node.node_id)
        if body.action == "return":
            _return_target(flow, state, cmd)
        if body.action in ("transfer", "add_signer") and cmd.person is None:
            raise Invalid(f'to_user: no user named "{body.to_user}"', "no_one_named", who=body.to_user)
        if body.action == "complete":
            task = flow.template.node(node.node_id)
            assert isinstance(task, TaskNode)
            check_form(task.fields, body.fields, "fields")
    elif body.action == "withdraw":
        if actor.user_id != state.applicant.user_id:
            raise Forbidden("only the applicant may withdraw a process", "withdraw_by_applicant")
        if state.decided:
            raise WrongStage(f"process {state.process_id} has been decided on: it can no longer be withdrawn",
                             "process_decided", process_id=state.process_id)
    elif body.action == "urge":
        if actor.user_id != state.applicant.user_id and actor.role != Role.operations:
            raise Forbidden("the applicant or operations may urge a process", "urge_by")
    elif body.action == "comment":
        involved = actor.user_id == state.applicant.user_id or any(s.held_by(actor) for s in node.slots)
        if not involved and actor.role not in WATCHERS:
            raise Forbidden(f"{actor.label()} takes no part in process {state.process_id}",
                            "not_in_process", who=actor.label(), process_id=state.process_id)


def act(flow: ProcessStart, state: ProcessState, cmd: ProcessCommand, ctx: Context) -> ProcessOutcome:
    check(flow, state, cmd)
    out = ProcessOutcome.begin(state, ctx)
    s, body, actor = out.state, cmd.body, cmd.actor
    node = s.current
    assert node is not None
    match body.action:
        case "approve" | "complete":
            slot = my_slot(s, actor)
            if body.action == "complete":
                fields = check_form(flow.template.node(node.node_id).fields, body.fields, "fields")  # type: ignore[union-attr]
                out.log(kinds.TaskDone(node=node.node_id, slot=slot.id, fields=fields), actor, body.comment)
                s.answers.update(fields)
            else:
                out.log(kinds.Decided(node=node.node_id, slot=slot.id, decision="approve"), actor, body.comment)
            decide(out, flow, slot, "approve", actor)
        case "reject":
            slot = my_slot(s, actor)
            out.log(kinds.Decided(node=node.node_id, slot=slot.id, decision="reject"), actor, body.comment)
            decide(out, flow, slot, "reject", actor)
        case "return":
            target = _return_target(flow, s, cmd)
            out.log(kinds.Returned(node=node.node_id, to_node=target), actor, body.comment)
            s.decided = True
            s.visited = s.visited[: s.visited.index(target)]
            reopen(out, flow, target)
        case "withdraw":
            if body.comment:
                out.log(kinds.Commented(node=node.node_id), actor, body.comment)
            end(out, ProcessStatus.withdrawn)
        case "transfer":
            slot, person = my_slot(s, actor), cmd.person
            assert person is not None
            slot.role, slot.department, slot.user_id, slot.user_name = (person.role, person.department,
                                                                        person.user_id, person.name)  # fmt: skip
            out.log(kinds.Transferred(node=node.node_id, slot=slot.id, to=slot.label(), to_user_id=person.user_id),
                    actor, body.comment)  # fmt: skip
            out.tell("assigned", "process.transferred", slot, name=node_name(flow.template.node(node.node_id)),
                     by=actor.label(), due_at=node.due_at)  # fmt: skip
        case "add_signer":
            add_signer(out, flow, my_slot(s, actor), cmd)
        case "urge":
            open_slots = node.open_slots()
            out.log(kinds.Urged(node=node.node_id, to=[x.label() for x in open_slots]), actor, body.comment)
            for slot in open_slots:
                out.tell("reminder", "process.urged", slot, by=actor.label(), due_at=node.due_at)
        case "comment":
            out.log(kinds.Commented(node=node.node_id), actor, body.comment)
    return out


def decide(out: ProcessOutcome, flow: ProcessStart, slot: Slot, decision: str, actor: Actor | None) -> None:
    s = out.state
    node = s.current
    assert node is not None
    s.decided = True
    before = {x.id for x in node.open_slots()}
    slot.decision = "approve" if decision == "approve" else "reject"
    slot.by_id = actor.user_id if actor else None
    if decision == "reject":
        end(out, ProcessStatus.rejected)
    elif node.passed():
        passed(out, flow)
    else:
        name = node_name(flow.template.node(node.node_id))
        for x in node.open_slots():
            if x.id not in before:
                out.tell("assigned", f"process.assigned.{node.type}", x, name=name, due_at=node.due_at)


def reopen(out: ProcessOutcome, flow: ProcessStart, node_id: str) -> None:
    node = flow.template.node(node_id)
    assert isinstance(node, (ApprovalNode, TaskNode))
    wait_at(out, flow, node, slots_of(flow, node))


def add_signer(out: ProcessOutcome, flow: ProcessStart, slot: Slot, cmd: ProcessCommand) -> None:
    node, person = out.state.current, cmd.person
    assert node is not None and person is not None
    node.slots_made += 1
    signer = Slot(id=f"s{node.slots_made}", role=person.role, department=person.department, user_id=person.user_id,
                  user_name=person.name, added_by=slot.id)  # fmt: skip
    if cmd.body.position == "before":
        slot.blocked_by = [*slot.blocked_by, signer.id]
        signer.blocked_by = [b for b in slot.blocked_by if b != signer.id]
    else:
        signer.blocked_by = [slot.id]
    node.slots.insert(node.slots.index(slot) + (cmd.body.position == "after"), signer)
    out.log(kinds.SignerAdded(node=node.node_id, slot=signer.id, position=cmd.body.position, signer=signer.label(),
                              signer_user_id=person.user_id), cmd.actor, cmd.body.comment)  # fmt: skip
    if cmd.body.position == "before":
        out.tell("assigned", f"process.assigned.{node.type}", signer,
                 name=node_name(flow.template.node(node.node_id)), due_at=node.due_at)  # fmt: skip
