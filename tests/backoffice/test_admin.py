"""The admin as ANPP staff use it: every label French and marked for translation, technical models
kept for superusers, lists searchable and filterable."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import override

from anpp_portal.admin_site import is_technical

from ..factories import UserFactory

PROJECT_APPS = {"anpp_portal", "members", "events", "publications", "backoffice"}


def _project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def _auto_label(name: str) -> str:
    return name.replace("_", " ")


def test_every_field_of_every_project_model_has_a_french_verbose_name_marked_for_translation():
    unmarked = []
    for model in _project_models():
        for field in model._meta.get_fields():
            if field.auto_created or not getattr(field, "concrete", False):
                continue
            label = field.verbose_name
            with override("fr"):
                text = str(label)
            if not isinstance(label, Promise):
                unmarked.append(f"{model._meta.label}.{field.name}: {text!r}")
        if not isinstance(model._meta.verbose_name, Promise):
            unmarked.append(f"{model._meta.label} (verbose_name): {model._meta.verbose_name!r}")
    assert not unmarked, "\n".join(unmarked)


def _staff_request(superuser=True):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_staff=True, is_superuser=superuser)
    return request


def test_every_column_header_of_every_admin_list_is_french_and_marked_for_translation():
    request = _staff_request()
    wrong = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for name in model_admin.get_list_display(request):
            if name == "action_checkbox":
                continue
            label, attr = label_for_field(name, model, model_admin, return_attr=True)
            if name == "__str__":
                source = model._meta.verbose_name
            elif attr is None:
                source = model._meta.get_field(name).verbose_name
            else:
                source = getattr(attr, "short_description", None) or (
                    getattr(attr, "fget", None) and getattr(attr.fget, "short_description", None)
                )
            with override("fr"):
                text = str(label)
            if not isinstance(source, Promise):
                wrong.append(f"{model._meta.label} column {name!r}: {text!r}")
    assert not wrong, "\n".join(wrong)


# Admins of a single object, where a list has nothing to search or filter.
SINGLE_PAGES = {"publications.associationpage", "billing.billingidentity"}


def test_every_admin_list_staff_use_can_be_searched_and_filtered():
    request = _staff_request()
    bare = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if is_technical(model._meta.app_label, label) or not model_admin.has_module_permission(request):
            continue
        if label in SINGLE_PAGES:
            continue
        if not model_admin.search_fields:
            bare.append(f"{label}: no search")
        if not model_admin.get_list_filter(request) and model_admin.get_list_display(request) != ("__str__",):
            bare.append(f"{label}: no filter")
    assert not bare, "\n".join(bare)


TECHNICAL_ADMIN_URLS = [
    "admin:django_celery_beat_periodictask_changelist",
    "admin:django_celery_beat_crontabschedule_changelist",
    "admin:django_celery_beat_intervalschedule_changelist",
    "admin:mfa_authenticator_changelist",
    "admin:members_department_changelist",
    "admin:anpp_portal_outboundemail_changelist",
]


@pytest.mark.django_db
def test_a_staff_member_who_is_not_superuser_sees_no_technical_model_on_the_admin_index(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.all())  # every right, still no technical model shown
    client.force_login(staff)
    with override("fr"):
        content = client.get(reverse("admin:index")).content.decode()
    assert "Adhésions et cotisations" in content and "Fiches de renseignements" in content
    # Each group once: no app left over in a second group of the same name.
    assert content.count("<caption>") == len(set(re.findall(r"<caption>(.*?)</caption>", content, re.S)))
    for name in TECHNICAL_ADMIN_URLS:
        assert reverse(name) not in content, name
    for word in ("Tâches périodiques", "Authenticator", "Départements", "Emails sortants", "Technique"):
        assert word not in content, word


@pytest.mark.django_db
def test_a_superuser_finds_the_technical_models_grouped_apart_at_the_end(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    content = client.get(reverse("admin:index")).content.decode()
    technical = content.index("Technique (réservé aux superutilisateurs)")
    assert content.index("Adhésions et cotisations") < technical
    for name in TECHNICAL_ADMIN_URLS:
        assert content.index(reverse(name)) > technical, name
