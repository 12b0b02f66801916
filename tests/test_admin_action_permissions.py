"""Issue 28: an admin action is a staff rule too. Staff holding only the view permissions of
« Équipe ANPP » may export what they read, and no action of the admin changes anything for them
(cancel a participation, publish a note or an issue, write to participants); staff of the group may.
"""

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.urls import reverse

from events.models import Participant
from resources.models import Note

from .events.factories import ParticipantFactory
from .factories import StaffFactory, ViewOnlyStaffFactory
from .resources.conftest import make_note

pytestmark = pytest.mark.django_db

# The apps whose permissions the group « Équipe ANPP » holds (members.migrations.0013_staff_group and
# resources.migrations.0002_search_tables_and_staff_permissions): their admin pages are staff's.
STAFF_APPS = {"members", "events", "publications", "anpp_portal", "billing", "resources", "legal"}


def test_every_admin_action_staff_reach_names_its_permission_and_only_exports_need_only_view():
    unguarded = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in STAFF_APPS:
            continue
        for function, name, _description in model_admin._get_base_actions():
            permissions = set(getattr(function, "allowed_permissions", ()) or ())
            if not permissions or (permissions == {"view"} and not name.startswith("export")):
                unguarded.append(f"{model._meta.label}.{name}")
    assert unguarded == [], "admin actions open to staff who may only read: " + ", ".join(unguarded)


def _post_action(client, changelist: str, action: str, pks):
    return client.post(
        reverse(changelist),
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], "index": 0},
    )


def test_staff_who_may_only_read_cancel_no_participation_and_staff_of_the_group_do(client):
    first, second = ParticipantFactory(), ParticipantFactory()

    client.force_login(ViewOnlyStaffFactory())
    _post_action(client, "admin:events_participant_changelist", "cancel_participants", [first.pk])
    first.refresh_from_db()
    assert first.status == Participant.Status.CONFIRMED

    client.force_login(StaffFactory())
    _post_action(client, "admin:events_participant_changelist", "cancel_participants", [second.pk])
    second.refresh_from_db()
    assert second.status == Participant.Status.CANCELLED


def test_staff_who_may_only_read_publish_no_note_and_staff_of_the_group_do(
    client, django_capture_on_commit_callbacks
):
    first, second = (
        make_note(title="Note fictive A", publish=False),
        make_note(title="Note fictive B", publish=False),
    )

    client.force_login(ViewOnlyStaffFactory())
    _post_action(client, "admin:resources_note_changelist", "publish", [first.pk])
    first.refresh_from_db()
    assert first.status == Note.Status.DRAFT

    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks():
        _post_action(client, "admin:resources_note_changelist", "publish", [second.pk])
    second.refresh_from_db()
    assert second.status == Note.Status.PUBLISHED
