"""Files in process forms (issue 15), the pure part: an `attachment` field sends ids of files
uploaded first, never names; the error names the field."""

from __future__ import annotations

import pytest

from domain.errors import Invalid
from domain.process_form import attachment_ids, check_form
from domain.process_template import FormField

FIELDS = [FormField(key="receipts", label="票据", type="attachment", required=True),
          FormField(key="contract", label="合同", type="attachment"), FormField(key="purpose", label="事由")]


def test_the_uploads_a_form_sends_once_each_in_order() -> None:
    form = check_form(FIELDS, {"receipts": ["att-00000000000000aa", "att-00000000000000bb"],
                               "contract": "att-00000000000000aa", "purpose": "att-00000000000000cc"})
    assert attachment_ids(FIELDS, form) == ["att-00000000000000aa", "att-00000000000000bb"]
    assert attachment_ids(FIELDS, check_form(FIELDS, {"receipts": "att-00000000000000aa"})) == ["att-00000000000000aa"]


@pytest.mark.parametrize("ref", ["发票.pdf", "att-0000", "ATT-00000000000000AA", "att-00000000000000aa\n"])
def test_a_name_or_a_malformed_id_is_refused_by_field(ref: str) -> None:
    with pytest.raises(Invalid, match=r'form\.receipts: "(.|\n)*" is not an uploaded file'):
        attachment_ids(FIELDS, {"receipts": [ref]})
