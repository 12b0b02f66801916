"""Finding 3 of issue 16: being staff opens nothing by itself. Staff pages and staff data need the
permissions of the group « Équipe ANPP », and past the grace period a staff account without TOTP is
sent to the TOTP setup page from the admin and from every staff page."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Invitation, Role
from members.staff import STAFF_GROUP

from ..events.factories import EventFactory, ParticipantFactory
from ..factories import MembershipFactory, StaffFactory, UserFactory
from .adhesion_factories import CampaignFactory
from .test_adhesions import IN_CAMPAIGN, filled

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_group_of_anpp_staff_exists_with_what_staff_need_but_not_the_accounts():
    permissions = set(
        Group.objects.get(name=STAFF_GROUP).permissions.values_list("content_type__app_label", "codename")
    )
    for needed in (
        ("members", "view_adhesion"),
        ("members", "change_adhesion"),
        ("members", "view_ficherenseignements"),
        ("events", "view_participant"),
        ("events", "change_participant"),
        ("publications", "change_article"),
        ("anpp_portal", "view_outboundemail"),
    ):
        assert needed in permissions
    assert ("members", "change_user") not in permissions  # granting rights stays with superusers


def test_staff_without_permissions_read_no_participant_of_an_event():
    participant = ParticipantFactory()
    event = participant.event
    bare = logged_in(UserFactory(is_staff=True))
    for name in ("staff_participants", "checkin", "statistics", "badges", "signin_sheets"):
        assert bare.get(reverse(f"events:{name}", kwargs={"slug": event.slug})).status_code == 403, name
    assert (
        logged_in(StaffFactory())
        .get(reverse("events:staff_participants", kwargs={"slug": event.slug}))
        .status_code
        == 200
    )


def test_staff_without_permissions_cannot_invite_anyone_into_a_territory(territory_a):
    bare = logged_in(UserFactory(is_staff=True))
    response = bare.post(
        reverse("members:territory", kwargs={"slug": territory_a.slug}),
        {"email": "intrus@exemple.fr", "role": Role.REFERENT},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_staff_without_permissions_read_no_appel_and_validate_nothing(territory_a, referent_a):
    campaign = CampaignFactory(year=2018)
    draft = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=IN_CAMPAIGN)
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    with pytest.raises(services.NotAllowed):
        services.adhesion_validate(adhesion=draft, by=UserFactory(is_staff=True))
    services.adhesion_validate(adhesion=draft, by=StaffFactory())
    url = reverse("members:adhesion_call_pdf", kwargs={"slug": territory_a.slug, "year": 2018})
    assert logged_in(UserFactory(is_staff=True)).get(url).status_code == 404


# --- two-factor authentication ------------------------------------------------------------------


def staff_pages(event, fiche_pk) -> list[str]:
    return [
        reverse("members:dashboard"),
        reverse("members:panorama"),
        reverse("members:fiche_review", kwargs={"pk": fiche_pk}),
        reverse("events:staff_participants", kwargs={"slug": event.slug}),
        reverse("events:checkin", kwargs={"slug": event.slug}),
        reverse("events:statistics", kwargs={"slug": event.slug}),
        reverse("events:badges", kwargs={"slug": event.slug}),
        reverse("events:signin_sheets", kwargs={"slug": event.slug}),
        reverse("admin:index"),
        reverse("admin:members_adhesion_changelist"),
    ]


@pytest.fixture
def mfa_required(settings):
    settings.ANPP_STAFF_MFA_REQUIRED = True
    settings.ANPP_STAFF_MFA_GRACE_DAYS = 7


@pytest.fixture
def pages(territory_a):
    from members.models import FicheRenseignements

    from .fiche_factories import FicheCampaignFactory

    fiche = FicheRenseignements.objects.create(territory=territory_a, campaign=FicheCampaignFactory())
    return staff_pages(EventFactory(), fiche.pk)


def test_a_superuser_without_totp_past_the_grace_period_reaches_no_admin_or_staff_page(mfa_required, pages):
    overdue = UserFactory(is_staff=True, is_superuser=True, date_joined=timezone.now() - timedelta(days=8))
    client = logged_in(overdue)
    setup = reverse("mfa_activate_totp")
    for url in pages:
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, setup), url
    # The setup page itself stays open (allauth asks for the password again after a while).
    response = client.get(setup)
    assert response.status_code == 200 or response["Location"].startswith(reverse("account_reauthenticate"))


def test_within_the_grace_period_or_with_totp_staff_work_normally(mfa_required, pages):
    new = UserFactory(is_staff=True, is_superuser=True, date_joined=timezone.now() - timedelta(days=6))
    with_totp = UserFactory(is_staff=True, is_superuser=True, date_joined=timezone.now() - timedelta(days=60))
    Authenticator.objects.create(user=with_totp, type=Authenticator.Type.TOTP, data={"secret": "x"})
    for user in (new, with_totp):
        client = logged_in(user)
        for url in pages:
            assert client.get(url).status_code == 200, url


def test_the_requirement_is_on_by_default_in_production_only():
    import os
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings; print(settings.ANPP_STAFF_MFA_REQUIRED)"
    base = {k: v for k, v in os.environ.items() if k not in {"ANPP_STAFF_MFA_REQUIRED", "DEBUG"}}
    base["DJANGO_SETTINGS_MODULE"] = "anpp_portal.settings"
    production = {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": "k" * 30 + "abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "x",
    }
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for env in ({**base, "DEBUG": "1"}, production)
    ]
    assert outputs == ["False", "True"]


def test_staff_who_are_members_of_a_territory_still_act_for_it_without_staff_permissions(territory_a):
    person = MembershipFactory(territory=territory_a, role=Role.REFERENT, user__is_staff=True).user
    assert (
        logged_in(person).get(reverse("members:territory", kwargs={"slug": territory_a.slug})).status_code
        == 200
    )
