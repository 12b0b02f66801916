"""French numbers, amounts and times: what people type is read, and shown back the French way."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from anpp_portal.formats import (
    FrenchDecimalField,
    FrenchIntegerField,
    format_date,
    format_datetime,
    format_euros,
    format_number,
    format_price,
    format_time,
    limit,
    parse_decimal,
)

from .project import project_apps


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


# --- Issue 27, point 5: one formatting module, everywhere ---------------------------------------

NBSP = "\u00a0"


def test_the_first_of_the_month_is_1er_in_python_and_in_every_template():
    first, twelfth = datetime.date(2026, 6, 1), datetime.date(2026, 3, 12)
    assert format_date(first) == "1er juin 2026"
    assert format_date(first, "l j F") == "lundi 1er juin"
    assert format_date(twelfth) == "12 mars 2026"
    assert format_datetime(datetime.datetime(2026, 12, 7, 7, 38)) == "7 décembre 2026 à 7 h 38"
    # Django's own date filter, without loading anything: every template, the admin's included.
    template = Template('{{ d|date:"j F Y" }}|{{ d|date:"l j F" }}|{{ d|date }}|{{ d|date:"j/m" }}')
    assert template.render(Context({"d": first})) == "1er juin 2026|lundi 1er juin|1er juin 2026|1/06"
    assert Template('{{ t|date:"j F" }}').render(Context({"t": twelfth})) == "12 mars"
    submitted = datetime.datetime(2026, 3, 12, 14, 5)
    assert (
        Template('{{ s|date:"j F Y à H:i" }}').render(Context({"s": submitted})) == "12 mars 2026 à 14 h 05"
    )
    assert format_date(submitted, "j F Y à H:i") == "12 mars 2026 à 14 h 05"
    with translation.override("en"):
        assert Template('{{ d|date:"j F Y" }}').render(Context({"d": first})) == "1 June 2026"


def test_validation_limits_read_the_french_way_in_forms_and_models(territory_a):
    class Form(forms.Form):
        communes = FrenchIntegerField(max_value=5000)
        amount = FrenchDecimalField(max_digits=10, decimal_places=2, min_value=0.01)

    form = Form(data={"communes": "6 000", "amount": "0"})
    assert not form.is_valid()
    assert form.errors["communes"] == [f"Assurez-vous que cette valeur est inférieure ou égale à 5{NBSP}000."]
    assert form.errors["amount"] == ["Assurez-vous que cette valeur est supérieure ou égale à 0,01."]

    territory_a.communes_count = 6000
    territory_a.population = 16_000_000
    with pytest.raises(ValidationError) as refused:
        territory_a.full_clean()
    assert refused.value.message_dict["communes_count"] == [
        f"Assurez-vous que cette valeur est inférieure ou égale à 5{NBSP}000."
    ]
    assert f"15{NBSP}000{NBSP}000" in refused.value.message_dict["population"][0]
    # The limits still compare and are written into migrations as the plain numbers they are.
    assert limit(5000) == 5000 and repr(limit(5000)) == "5000" and limit(Decimal("0.01")) < 1


def test_a_date_answer_of_the_fiche_reads_as_a_date():
    from members.models import Question
    from members.questionnaire import Questionnaire, Section

    question = Question(key="date_creation", label="Date de création", kind="date", choices=[])
    form = Questionnaire(None, [Section("identite", "Identité", "", [question])])
    assert form.display("date_creation", "2026-03-12") == "12 mars 2026"
    assert form.display("date_creation", "2026-06-01") == "1er juin 2026"


def test_the_check_in_count_agrees_in_number():
    from events.views import checkin_count_label

    assert checkin_count_label({"present": 1, "expected": 1}) == "1 présent sur 1 inscrit"
    assert checkin_count_label({"present": 0, "expected": 2}) == "0 présent sur 2 inscrits"
    assert (
        checkin_count_label({"present": 1200, "expected": 1500})
        == f"1{NBSP}200 présents sur 1{NBSP}500 inscrits"
    )


@pytest.mark.django_db
def test_a_free_price_ends_its_sentence_without_a_space_before_the_full_stop(client):
    from events.models import Event

    from .events.factories import EventFactory

    event = EventFactory(
        price_member=Decimal("40"), price_non_member=Decimal("80"), price_partner=Decimal("0")
    )
    assert Event.objects.filter(pk=event.pk).exists()
    page = client.get(reverse("events:detail", kwargs={"slug": event.slug})).content.decode()
    text = " ".join(strip_tags(page).split())
    assert "partenaire gratuit. Règlement hors ligne" in text
    assert "gratuit ." not in text


def test_the_admin_shows_amounts_and_populations_the_french_way(client, territory_a):
    from billing.models import InvoicePayment
    from members.models import Adhesion

    from .events.factories import EventFactory
    from .factories import StaffFactory
    from .members.adhesion_factories import CampaignFactory, appel_for

    territory_a.population = 52480
    territory_a.save()
    adhesion = Adhesion.objects.create(
        territory=territory_a,
        campaign=CampaignFactory(year=2026),
        status="appel_emis",
        amount=Decimal("2624"),
        call_number="2026-0001",
    )
    staff = StaffFactory()
    InvoicePayment.objects.create(  # a payment of its appel, in billing's ledger
        invoice=appel_for(adhesion),
        paid_on=datetime.date(2026, 3, 1),
        amount=Decimal("1312.5"),
        method="virement",
        recorded_by=staff,
    )
    event = EventFactory(price_member=Decimal("40"))
    client.force_login(staff)

    territories = client.get(reverse("admin:members_territory_changelist")).content.decode()
    assert f"52{NBSP}480" in territories and ">52480<" not in territories
    adhesions = client.get(reverse("admin:members_adhesion_changelist")).content.decode()
    assert f"2{NBSP}624,00" in adhesions and "2624,00" not in adhesions
    assert f">1{NBSP}312,50<" in adhesions  # "payé (€)", a column computed by a method
    assert ">2026<" in adhesions  # a year stays a year
    # A recorded payment, read-only in the adhésion's page: its date and amount the French way.
    page = client.get(reverse("admin:members_adhesion_change", args=[adhesion.pk])).content.decode()
    assert "1er mars 2026" in page and f"1{NBSP}312,50" in page
    change = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'name="price_member" value="40,00"' in change and 'value="40.00"' not in change
    change = client.get(reverse("admin:members_territory_change", args=[territory_a.pk])).content.decode()
    assert f'name="population" value="52{NBSP}480"' in change
    assert 'name="population_year" value="2018"' in change  # a year stays a year


# Where a number or a date may be written without anpp_portal.formats: the Factur-X XML wants "40.00".
FORMAT_SHORTCUTS_ALLOWED = {"anpp_portal/formats.py", "billing/einvoice.py"}
PYTHON_SHORTCUTS = re.compile(r"""\bdate_format\(|\bnumber_format\(|:\.2f\}|["']%\.2f["']""")
TEMPLATE_SHORTCUTS = re.compile(r"""\|floatformat|\{%\s*now\s|\|stringformat:["']\.2f""")


def test_numbers_and_dates_are_written_by_the_formats_module_only():
    """One rule, one module: a shortcut ("%.2f", floatformat, date_format) would bypass the French
    grouping, the decimal comma or "1er"."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in project_apps():
        for path in (root / app).rglob("*.py"):
            relative = str(path.relative_to(root))
            if "/migrations/" in relative or relative in FORMAT_SHORTCUTS_ALLOWED:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if PYTHON_SHORTCUTS.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    for path in (root / "templates").rglob("*"):
        if path.suffix in (".html", ".txt"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if TEMPLATE_SHORTCUTS.search(line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_the_fiche_tells_a_quantity_limit_in_french_and_a_year_limit_as_a_year():
    from members import questionnaire

    from .members.fiche_factories import FicheCampaignFactory

    form = (
        questionnaire.for_campaign(FicheCampaignFactory(year=2018))
        .section("perimetre")
        .form_class({"nombre_communes": "6 000", "annee_population": "1800"})
    )
    assert not form.is_valid()
    assert form.errors["nombre_communes"] == [
        f"Assurez-vous que cette valeur est inférieure ou égale à 5{NBSP}000."
    ]
    assert form.errors["annee_population"] == [
        "Assurez-vous que cette valeur est supérieure ou égale à 1990."
    ]
