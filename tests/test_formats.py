"""French numbers, amounts and times: what people type is read, and shown back the French way."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template

from anpp_portal.formats import (
    FrenchDecimalField,
    FrenchIntegerField,
    format_euros,
    format_number,
    format_price,
    format_time,
    parse_decimal,
)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("120 000", Decimal("120000")),
        ("120\u00a0000", Decimal("120000")),
        ("120\u202f000", Decimal("120000")),
        ("1 234,50", Decimal("1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("4,5", Decimal("4.5")),
        ("4.5", Decimal("4.5")),
        (" 37533 ", Decimal("37533")),
    ],
)
def test_french_input_is_read_as_people_type_it(typed, value):
    assert parse_decimal(typed) == value


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "12 000 €", "", "1e5", "--3"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed)


def test_numbers_and_amounts_are_shown_the_french_way():
    assert format_number(120000) == "120\u00a0000"
    assert format_euros(Decimal("1877")) == "1\u00a0877 €"
    assert format_euros(Decimal("1234.5")) == "1\u00a0234,50 €"
    assert format_price(Decimal("0")) == "Gratuit"
    assert format_price(Decimal("45")) == "45 €"
    assert format_time(datetime.time(9, 30)) == "9 h 30"
    assert format_time(datetime.time(14, 0)) == "14 h"


def test_french_form_fields_accept_spaces_and_commas_and_explain_a_refusal():
    class Form(forms.Form):
        population = FrenchIntegerField()
        amount = FrenchDecimalField(max_digits=10, decimal_places=2)

    form = Form(data={"population": "120 000", "amount": "1 234,50"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"population": 120000, "amount": Decimal("1234.50")}

    form = Form(data={"population": "12,5", "amount": "mille"})
    assert not form.is_valid()
    assert form.errors["population"] == ["Saisissez un nombre entier, par exemple 120 000."]
    assert form.errors["amount"] == ["Saisissez un nombre, par exemple 1 234,50."]
    assert 'value="mille"' in str(form["amount"])  # what was typed is kept

    bound = Form(initial={"population": 450000, "amount": Decimal("4.5")})
    assert 'value="450\u00a0000"' in str(bound["population"])
    assert 'value="4,50"' in str(bound["amount"])


def test_template_filters_give_the_same_formats():
    html = Template("{% load fr %}{{ n|nombre }}|{{ x|euros }}|{{ z|prix }}|{{ t|heure }}").render(
        Context({"n": 450000, "x": Decimal("1234.5"), "z": 0, "t": datetime.time(9, 30)})
    )
    assert html == "450\u00a0000|1\u00a0234,50 €|Gratuit|9 h 30"
