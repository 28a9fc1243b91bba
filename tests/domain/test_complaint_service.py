"""Complaints through customer service 客服 (issue 14; 003 四, 4.3): they take the complaint,
coordinate the departments involved and record the finding before the customer confirms."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain import complaints
from domain.errors import Forbidden, Invalid
from domain.models import Actor, Role
from domain.service_models import ComplaintReplyIn, ComplaintStatus, Finding, ReplyCommand
from tests.domain.lifecycle_data import AGENT, HEAD, OPS, OTHER_HEAD, at, ctx
from tests.domain.service_data import complaint, confirmation, kinds, notices

SERVICE = Actor(user_id="u-cs", name="客服小陈", role=Role.customer_service)
FILED = at(2026, 9, 30, 10)
LATER = at(2026, 10, 8, 10)


def filed():  # type: ignore[no-untyped-def]
    return complaints.file(complaint(), ctx(FILED), via_customer_service=True)


def say(by: Actor = SERVICE, **body) -> ReplyCommand:  # type: ignore[no-untyped-def]
    return ReplyCommand(actor=by, body=ComplaintReplyIn(reply="我们已核实", resolved=False, **body))


def test_a_complaint_goes_to_customer_service_first():
    out = filed()
    assert out.state.assignee_role == Role.customer_service
    assert notices(out) == [("notify.complaint.assigned", Role.customer_service, None)]
    old = complaints.file(complaint(), ctx(FILED))  # a history from before: the dept head's
    assert old.state.assignee_role == Role.dept_head


def test_customer_service_coordinate_departments_whose_heads_may_then_reply():
    s = filed().state
    with pytest.raises(Forbidden):
        complaints.reply(s, say(by=OTHER_HEAD), ctx(LATER))  # loans is not involved yet
    out = complaints.reply(s, say(coordinate=["loans", "sales", "loans"]), ctx(LATER))
    assert out.state.coordinating == ["loans", "sales"]
    told = [(n.key, n.to_role, n.department) for n in out.notices if n.key.endswith("coordinate")]
    assert told == [("notify.complaint.coordinate", Role.dept_head, d) for d in ("loans", "sales")]
    assert out.steps[0].data["coordinate"] == ["loans", "sales", "loans"]
    assert complaints.reply(out.state, say(by=OTHER_HEAD), ctx(LATER)).state.replies == 2
    for who in (OTHER_HEAD, HEAD, AGENT):  # only customer service (or above) coordinate and find
        with pytest.raises(Forbidden):
            complaints.reply(out.state, say(by=who, coordinate=["legal"]), ctx(LATER))


def test_the_answer_states_the_finding_and_the_customer_confirms_it():
    s = filed().state
    with pytest.raises(Invalid):
        bare = ReplyCommand(actor=SERVICE, body=ComplaintReplyIn(reply="已处理", resolved=True))
        complaints.reply(s, bare, ctx(LATER))
    valid = say(finding=Finding.valid, apology="非常抱歉", handling="已更换经办人并退还服务费")
    out = complaints.reply(s, valid, ctx(LATER))
    assert out.state.status == ComplaintStatus.answered and out.state.finding == "valid"
    assert (out.steps[0].data["finding"], out.steps[0].data["apology"]) == ("valid", "非常抱歉")
    closed = complaints.confirm(out.state, confirmation(), ctx(at(2026, 10, 9, 10)))
    assert closed.state.status == ComplaintStatus.closed and kinds(closed) == ["confirmed", "closed"]


def test_an_unfounded_finding_is_answered_with_its_explanation():
    unfounded = say(by=OPS, finding=Finding.unfounded, explanation="合同第5条已约定")
    out = complaints.reply(filed().state, unfounded, ctx(LATER))
    assert out.state.status == ComplaintStatus.answered and out.steps[0].data["explanation"] == "合同第5条已约定"
    with pytest.raises(ValidationError):
        ComplaintReplyIn(reply="x", resolved=False, finding=Finding.unfounded)
    with pytest.raises(ValidationError):
        ComplaintReplyIn(reply="x", resolved=False, finding=Finding.valid, apology="抱歉")
    with pytest.raises(Forbidden):  # a dept head's complaint has no finding to record
        complaints.reply(complaints.file(complaint(), ctx(FILED)).state, say(by=HEAD, finding=Finding.unfounded,
                                                                             explanation="x"), ctx(LATER))
