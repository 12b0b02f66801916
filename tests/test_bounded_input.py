"""Finding 4 of issue 16 (and the over-long emails of finding 8): every free text has a length limit,
at the model and at the form, and no PDF is rendered while the call number of the year is locked."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

from anpp_portal.fields import BoundedTextField
from members import services
from members.forms import AdhesionForm, InvitationForm
from members.models import Adhesion

from .members.adhesion_factories import CampaignFactory
from .members.test_adhesions import IN_CAMPAIGN, filled
from .project import project_apps

PROJECT_APPS = project_apps()
# Texts the portal writes itself, never typed by a person.
WRITTEN_BY_THE_PORTAL = {
    ("anpp_portal", "outboundemail", "body_text"),
    ("anpp_portal", "outboundemail", "body_html"),
    ("anpp_portal", "outboundemail", "last_error"),
    ("publications", "issuepdf", "error"),
}
FORM_MODULES = (
    "members.forms",
    "members.questionnaire",
    "members.admin",
    "events.forms",
    "publications.forms",
    "billing.forms",
)
FOUR_AND_A_HALF_MB = "12 rue de l'Exemple, 16700 Ruffec\n" * 140_000


def test_every_free_text_field_of_the_models_is_bounded_by_full_clean():
    unbounded = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in meta.fields:
            key = (meta.app_label, meta.model_name, field.name)
            free_text = (
                isinstance(field, models.TextField) and field.editable and key not in WRITTEN_BY_THE_PORTAL
            )
            if free_text and not isinstance(field, BoundedTextField):
                unbounded.append(f"{meta.label}.{field.name}")
    assert not unbounded


def _form_classes():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module_name:
                yield value


def test_every_text_field_of_the_forms_has_a_length_limit_and_emails_fit_the_model():
    problems = []
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            if field.max_length is None:
                problems.append(f"{form_class.__name__}.{name}: no max_length")
            elif isinstance(field, forms.EmailField) and field.max_length > 254:
                problems.append(f"{form_class.__name__}.{name}: emails up to {field.max_length} characters")
    assert not problems


def test_an_email_of_300_characters_is_a_form_error_not_a_500():
    form = InvitationForm({"email": "a" * 288 + "@exemple.fr", "role": "membre"})
    assert not form.is_valid() and "email" in form.errors


@pytest.mark.django_db
def test_a_billing_address_of_megabytes_is_refused_by_the_form_and_by_full_clean(territory_a):
    adhesion = Adhesion(territory=territory_a, campaign=CampaignFactory(), billing_address=FOUR_AND_A_HALF_MB)
    form = AdhesionForm({"billing_address": FOUR_AND_A_HALF_MB, "population": "1000"}, instance=adhesion)
    assert not form.is_valid()
    assert "billing_address" in form.errors
    with pytest.raises(ValidationError) as error:
        adhesion.full_clean()
    assert "billing_address" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_the_call_pdf_is_rendered_after_the_commit_that_numbers_it_never_under_the_lock(
    territory_a, referent_a, staff, monkeypatch
):
    import billing.pdf

    rendered_in_transaction = []
    real = billing.pdf.invoice_pdf

    def watched(*args, **kwargs):
        rendered_in_transaction.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(billing.pdf, "invoice_pdf", watched)
    campaign = CampaignFactory(year=2018)
    draft = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=IN_CAMPAIGN)
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)

    services.adhesion_validate(adhesion=draft, by=staff)  # tasks run eagerly here, after the commit

    assert rendered_in_transaction == [False]
    adhesion = Adhesion.objects.get(pk=draft.pk)
    assert adhesion.call_number == f"{timezone.localdate().year}-0001" and adhesion.call_pdf
    # Run again (a duplicated task, beat's safety net): nothing is rendered twice.
    assert services.adhesion_documents_render(adhesion_id=adhesion.pk) == []
    assert rendered_in_transaction == [False]
