"""Issue 23, finding 3: no text typed into the portal carries a C0 control character (other than
tab, newline and carriage return), whichever door it comes through; what is stored already is cleaned."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse

from events.forms import ParticipantForm
from members.forms import AdhesionForm, JoinRequestForm
from members.models import Territory

from .events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from .factories import StaffFactory
from .project import project_apps

PROJECT_PACKAGES = project_apps()
MESSAGE = "caractère de contrôle invisible"


def _import_every_module():
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in info.name or info.name.endswith((".wsgi", ".asgi")):
                continue
            importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_text_field_of_every_project_model_refuses_control_characters():
    from anpp_portal.text import has_guard

    unguarded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_PACKAGES
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and not has_guard(field)
    ]
    assert not unguarded
    assert has_guard(Territory._meta.get_field("name"))


def test_every_form_class_of_the_project_guards_its_text_fields():
    from anpp_portal.forms import TextGuardMixin

    _import_every_module()
    project_forms = {
        form_class
        for form_class in _subclasses(forms.BaseForm)
        if form_class.__module__.split(".")[0] in PROJECT_PACKAGES
        and form_class.__module__ != "anpp_portal.forms"
    }
    assert len(project_forms) > 25  # the walk found the forms (29 when this test was written)
    assert not sorted(
        f"{form_class.__module__}.{form_class.__name__}"
        for form_class in project_forms
        if not issubclass(form_class, TextGuardMixin)
    )


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x0c", "\x1f"])
def test_a_join_request_refuses_a_control_character_at_the_field_and_keeps_what_was_typed(db, character):
    form = JoinRequestForm({"territory_name": f"PETR du Pays{character} A", "first_name": "Camille"})
    assert not form.is_valid()
    assert MESSAGE in " ".join(form.errors["territory_name"])
    assert "first_name" not in form.errors
    assert f'value="PETR du Pays{character} A"' in str(form["territory_name"])


def test_tab_newline_and_carriage_return_stay_allowed(db):
    form = AdhesionForm(data={"billing_address": "12 rue de l'Exemple\r\n\t16700 Ruffec"})
    form.is_valid()
    assert "billing_address" not in form.errors


def test_a_billing_address_with_a_control_character_is_refused_at_the_field(db):
    form = AdhesionForm(data={"billing_address": "12 rue de l'Exemple\x0b16700 Ruffec"})
    assert not form.is_valid()
    assert MESSAGE in " ".join(form.errors["billing_address"])


def test_a_dietary_note_added_after_the_form_is_built_is_guarded_too(db):
    event = EventFactory(ask_dietary=True)
    form = ParticipantForm(
        data={"first_name": "Ana\x0bïs", "last_name": "Exemple", "dietary_needs": "sans\x01 gluten"},
        event=event,
        days=list(event.days.all()),
        ateliers=[],
    )
    assert not form.is_valid()
    assert MESSAGE in " ".join(form.errors["first_name"])
    assert MESSAGE in " ".join(form.errors["dietary_needs"])


def test_the_admin_refuses_a_control_character_at_the_field(client, territory_a):
    client.force_login(StaffFactory())
    url = reverse("admin:members_territory_change", args=[territory_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data.update({"name": "PETR du Pays\x0b A", "_save": "Enregistrer"})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, not a redirect
    assert MESSAGE in " ".join(response.context["adminform"].form.errors["name"])
    territory_a.refresh_from_db()
    assert territory_a.name == "PETR du Pays A"


def test_the_data_migration_strips_what_was_stored_before(territory_a):
    from anpp_portal.text import strip_stored_control_characters

    registration = RegistrationFactory(territory=territory_a)
    participant = ParticipantFactory(registration=registration)
    type(participant).objects.filter(pk=participant.pk).update(
        last_name="Exem\x0bple", dietary_needs="sans\x01 gluten\r\n\tet sans lactose"
    )
    Territory.objects.filter(pk=territory_a.pk).update(name="PETR du\x1f Pays A")
    assert strip_stored_control_characters(apps, "events") >= 1
    assert strip_stored_control_characters(apps, "members") >= 1
    participant.refresh_from_db()
    territory_a.refresh_from_db()
    assert participant.last_name == "Exemple"
    assert participant.dietary_needs == "sans gluten\r\n\tet sans lactose"
    assert territory_a.name == "PETR du Pays A"
