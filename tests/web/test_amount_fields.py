from starlette.datastructures import FormData

from web import forms


def test_budgets_and_losses_are_read_as_people_type_them() -> None:
    assert forms.assessment(FormData([("budget", "250万"), ("in_scope", "true")]))["budget"] == "2500000"
    assert forms.assessment(FormData([("budget", "2,500,000")]))["budget"] == "2500000"
    assert forms.risk(FormData([("loss_amount", "1.5万"), ("description", "2,000 套")]))["loss_amount"] == "15000"
    assert forms.risk(FormData([("description", "2,000 套")]))["description"] == "2,000 套"
    assert forms.assessment(FormData([("budget", "lots")]))["budget"] == "lots"  # the use case refuses it
