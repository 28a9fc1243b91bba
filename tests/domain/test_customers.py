"""The customer master's rules (domain/customers.py) with literal data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from domain.customers import (
    Consent,
    CustomerAccess,
    CustomerCreateIn,
    CustomerPatchIn,
    Receiver,
    Source,
    TransferIn,
    can_edit,
    can_see,
    check_transfer,
    covering_consent,
    first_owner,
    normalise_email,
    normalise_phone,
    repeat_contact,
    rotation_next,
)
from domain.errors import Conflict, Forbidden, Invalid
from domain.models import Role

AGENT = Receiver(user_id="u-li", role=Role.agent, department="sales")
HEAD = Receiver(user_id="u-head", role=Role.dept_head, department="sales")
ON_DUTY = ["u-wang", "u-li", "u-zhao"]


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000",
                                 "+8613800138000", "0086-13800138000", "(138) 0013.8000"])  # fmt: skip
def test_one_number_however_written(raw):
    assert normalise_phone(raw) == "13800138000"


def test_other_countries_keep_their_code():
    assert normalise_phone("+852 6123 4567") == "85261234567"
    assert normalise_phone("021-6432 1234") == "02164321234"


@pytest.mark.parametrize("raw", ["call me", "12", "138 0013 8000 ext 5", "++8613800138000"])
def test_not_a_phone(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw)


def test_email_is_case_insensitive():
    assert normalise_email("  Wang.Li@Example.COM ") == "wang.li@example.com"
    with pytest.raises(ValueError):
        normalise_email("wang at example")


def test_create_body_normalises_and_needs_a_contact():
    body = CustomerCreateIn(name="王小明", phone="+86 138-0013-8000", grade="A", source="walk_in")
    assert body.phone == "13800138000" and body.grade == "A"
    with pytest.raises(ValidationError):
        CustomerCreateIn(name="王小明")
    with pytest.raises(ValidationError):
        CustomerCreateIn(name="王小明", phone="13800138000", grade="E")
    with pytest.raises(ValidationError):
        CustomerCreateIn(name="王小明", phone="13800138000", source="tv")


def test_patch_lists_only_given_fields():
    assert CustomerPatchIn(phone="138 0013 8001").changes() == {"phone": "13800138001"}
    assert CustomerPatchIn(grade="B", notes="prefers calls").changes() == {"grade": "B", "notes": "prefers calls"}


def test_transfer_body_reads_from():
    t = TransferIn.model_validate({"from": "li", "to": "wang", "reason": "离职"})
    assert (t.from_, t.to, t.customer_ids) == ("li", "wang", None)


# --------------------------------------------------------------------------- ownership


def test_first_receiver_owns():
    assert first_owner(AGENT, Source.walk_in, ON_DUTY, "u-wang") == ("u-li", False)


def test_an_agent_cannot_register_for_someone_else():
    with pytest.raises(Forbidden):
        first_owner(AGENT, Source.phone, ON_DUTY, None, named="u-wang")


def test_walk_in_at_the_desk_goes_in_rotation():
    assert first_owner(HEAD, Source.walk_in, ON_DUTY, None) == ("u-li", True)
    assert first_owner(HEAD, Source.phone, ON_DUTY, "u-li") == ("u-wang", True)
    assert first_owner(HEAD, Source.walk_in, ON_DUTY, "u-zhao") == ("u-li", True)  # wraps


def test_rotation_walks_the_on_duty_agents_in_turn():
    last, given = None, []
    for _ in range(7):
        last = rotation_next(ON_DUTY, last)
        given.append(last)
    assert given == ["u-li", "u-wang", "u-zhao", "u-li", "u-wang", "u-zhao", "u-li"]


def test_rotation_skips_an_agent_no_longer_on_duty():
    assert rotation_next(["u-li", "u-zhao"], "u-li") == "u-zhao"
    assert rotation_next(["u-li", "u-zhao"], "u-wang") == "u-zhao"


def test_nobody_on_duty_is_a_conflict():
    with pytest.raises(Conflict):
        first_owner(HEAD, Source.walk_in, [], None)


def test_a_head_names_the_owner_of_other_sources():
    assert first_owner(HEAD, Source.referral, ON_DUTY, None, named="u-zhao") == ("u-zhao", False)
    with pytest.raises(Invalid):
        first_owner(HEAD, Source.referral, ON_DUTY, None)
    with pytest.raises(Invalid):
        first_owner(HEAD, Source.referral, ON_DUTY, None, named="u-other-dept")


def test_others_do_not_register():
    with pytest.raises(Forbidden):
        first_owner(Receiver(user_id="u-a", role=Role.auditor, department=None), Source.phone, ON_DUTY, None)


def test_repeat_contact_goes_to_the_owner_or_the_taker_of_a_pooled_one():
    assert repeat_contact("u-wang", AGENT) == "u-wang"
    assert repeat_contact(None, AGENT) == "u-li"


# --------------------------------------------------------------------------- visibility and edits

OWNED = CustomerAccess(owner_id="u-li", department="sales", user_id="u-cust")
POOLED = CustomerAccess(owner_id=None, department="sales")


def test_who_sees_a_customer():
    assert can_see(Role.agent, "u-li", "sales", OWNED)
    assert not can_see(Role.agent, "u-wang", "sales", OWNED)
    assert can_see(Role.agent, "u-wang", "sales", POOLED)
    assert not can_see(Role.agent, "u-x", "rentals", POOLED)
    assert can_see(Role.dept_head, "u-head", "sales", OWNED)
    assert not can_see(Role.dept_head, "u-head2", "rentals", OWNED)
    for r in (Role.operations, Role.executive, Role.auditor):
        assert can_see(r, "u-o", None, OWNED)
    assert can_see(Role.customer, "u-cust", None, OWNED)
    assert not can_see(Role.customer, "u-other", None, OWNED)


def test_who_changes_a_customer():
    can_edit(Role.agent, "u-li", "sales", OWNED, {"grade"})
    can_edit(Role.dept_head, "u-head", "sales", OWNED, {"notes"})
    can_edit(Role.customer, "u-cust", None, OWNED, {"phone", "email"})
    with pytest.raises(Forbidden):
        can_edit(Role.customer, "u-cust", None, OWNED, {"grade"})
    with pytest.raises(Forbidden):
        can_edit(Role.agent, "u-wang", "sales", OWNED, {"notes"})
    with pytest.raises(Forbidden):
        can_edit(Role.dept_head, "u-h", "rentals", OWNED, {"notes"})
    with pytest.raises(Forbidden):
        can_edit(Role.auditor, "u-a", None, OWNED, {"notes"})


def test_transfer_authority():
    check_transfer(Role.dept_head, "sales", "sales", Role.agent, "sales")
    check_transfer(Role.operations, None, "sales", Role.agent, "rentals")
    with pytest.raises(Forbidden):
        check_transfer(Role.agent, "sales", "sales", Role.agent, "sales")
    with pytest.raises(Forbidden):
        check_transfer(Role.dept_head, "sales", "sales", Role.agent, "rentals")
    with pytest.raises(Invalid):
        check_transfer(Role.operations, None, "sales", Role.dept_head, "sales")


# --------------------------------------------------------------------------- consent

SIGNED = datetime(2026, 11, 2, 10, tzinfo=UTC)
CONSENTS = [Consent(id="cs1", recipient="Shanghai Bank", scope=["contact", "income"], signed_at=SIGNED,
                    valid_until=date(2026, 12, 31))]  # fmt: skip


def test_a_consent_covers_its_recipient_and_scope():
    assert covering_consent(CONSENTS, "shanghai  bank", "Contact", date(2026, 11, 24)) is CONSENTS[0]


def test_no_consent_for_another_recipient_scope_or_time():
    assert covering_consent(CONSENTS, "Another Bank", "contact", date(2026, 11, 24)) is None
    assert covering_consent(CONSENTS, "Shanghai Bank", "id_card", date(2026, 11, 24)) is None
    assert covering_consent(CONSENTS, "Shanghai Bank", "contact", date(2027, 1, 1)) is None
    assert covering_consent(CONSENTS, "Shanghai Bank", "contact", date(2026, 11, 1)) is None
    assert covering_consent([], "Shanghai Bank", "contact", date(2026, 11, 24)) is None


def test_a_record_is_complete_before_a_contract():
    from domain.customers import missing_for_contract

    assert missing_for_contract("王", "13800138000", None, None, None) == []
    assert missing_for_contract("王", None, None, "小明贸易", None) == ["phone or email", "business_scope"]
    assert missing_for_contract("王", None, "w@example.com", "小明贸易", "进出口") == []
