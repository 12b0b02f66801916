"""Issue 23, findings 1 and 2: staff power comes from one policy (anpp_portal/staffpolicy.py).

Finding 1: a staff account past its TOTP grace period was sent to the TOTP setup from the staff
pages only, and kept every staff right elsewhere (another territory's pages, people, adhésions,
fiches and invoice PDFs; inviting a référent; editing a directory entry). It is now a plain person
everywhere: a 404 on another territory's data, like anyone who does not act for it.

Finding 2: a staff account without the group « Équipe ANPP » registered third parties, bypassed
the members-only rule and the hourly cap, because the event rules tested ``is_staff`` alone.

Two territories; staff are members of the group (tests/factories.py StaffFactory), and each refusal
is checked against the same request by staff who may (TOTP set up, or the group), so that no test
passes because the page is broken for everyone.
"""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from members import services as member_services
from members.models import DirectoryProfile, Invitation, Role

from .events.factories import EventFactory
from .events.helpers import person
from .factories import MembershipFactory, StaffFactory, TerritoryFactory, UserFactory
from .urlwalk import objects_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_required(settings):
    settings.ANPP_STAFF_MFA_REQUIRED = True
    settings.ANPP_STAFF_MFA_GRACE_DAYS = 7


@pytest.fixture
def overdue(mfa_required):
    """A staff account of the group, created 8 days ago, without TOTP."""
    return StaffFactory(date_joined=timezone.now() - timedelta(days=8))


@pytest.fixture
def with_totp(mfa_required):
    """The same kind of account with TOTP set up: it keeps every staff right."""
    staff = StaffFactory(date_joined=timezone.now() - timedelta(days=60))
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return staff


@pytest.fixture
def territory_with_objects():
    """Territory A and its objects (adhésion 2018 with its PDFs, fiche, people, registration, invoice);
    territory B exists beside it."""
    TerritoryFactory(name="PETR du Pays B", slug="pays-b")
    return objects_of(TerritoryFactory(name="PETR du Pays A", slug="pays-a"))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def territory_urls(objects) -> list[str]:
    """Another territory's pages, people, adhésion and its documents, fiche, directory entry, invoice."""
    a, year = {"slug": objects["territory"].slug}, {"slug": objects["territory"].slug, "year": 2018}
    return [
        reverse("members:territory", kwargs=a),
        reverse("members:adhesion", kwargs=year),
        reverse("members:adhesion_call_pdf", kwargs=year),
        reverse("members:adhesion_attestation_pdf", kwargs=year),
        reverse("members:fiche_section", kwargs={**year, "section": "identite"}),
        reverse("members:fiche_submit", kwargs=year),
        reverse("members:directory_settings", kwargs=a),
        reverse("billing:document", kwargs={"pk": objects["invoice"].pk}),
    ]


# --- finding 1: TOTP overdue ----------------------------------------------------------------------


def test_staff_with_totp_overdue_get_a_404_on_every_page_and_document_of_another_territory(
    overdue, territory_with_objects
):
    client = logged_in(overdue)
    answers = {url: client.get(url).status_code for url in territory_urls(territory_with_objects)}
    assert answers == dict.fromkeys(answers, 404)


def test_staff_with_totp_set_up_still_reach_those_pages(with_totp, territory_with_objects):
    client = logged_in(with_totp)
    for url in territory_urls(territory_with_objects):
        assert client.get(url).status_code in (200, 302), url


def test_staff_with_totp_overdue_do_not_see_a_territorys_people(overdue, territory_with_objects):
    referent = MembershipFactory(territory=territory_with_objects["territory"], role=Role.REFERENT).user
    url = reverse("members:territory", kwargs={"slug": territory_with_objects["territory"].slug})
    response = logged_in(overdue).get(url)
    assert response.status_code == 404
    assert referent.email not in response.content.decode()


def test_staff_with_totp_overdue_cannot_invite_a_referent_of_another_territory(
    overdue, territory_with_objects
):
    territory = territory_with_objects["territory"]
    url = reverse("members:territory", kwargs={"slug": territory.slug})
    data = {"email": "complice@exemple.test", "role": Role.REFERENT}
    assert logged_in(overdue).post(url, data).status_code == 404
    with pytest.raises(member_services.NotAllowed):
        member_services.invitation_create(
            territory=territory, email="complice@exemple.test", role=Role.REFERENT, invited_by=overdue
        )
    assert not Invitation.objects.filter(email="complice@exemple.test").exists()


def test_staff_with_totp_set_up_may_invite_a_referent(with_totp, territory_with_objects):
    territory = territory_with_objects["territory"]
    url = reverse("members:territory", kwargs={"slug": territory.slug})
    response = logged_in(with_totp).post(url, {"email": "nouvelle@exemple.test", "role": Role.REFERENT})
    assert response.status_code == 302
    assert Invitation.objects.filter(territory=territory, email="nouvelle@exemple.test").exists()


def test_staff_with_totp_overdue_cannot_edit_another_territorys_directory_entry(
    overdue, territory_with_objects
):
    territory = territory_with_objects["territory"]
    url = reverse("members:directory_settings", kwargs={"slug": territory.slug})
    response = logged_in(overdue).post(url, {"show_website": "on", "show_population": "on"})
    assert response.status_code == 404
    profile = DirectoryProfile.objects.filter(territory=territory).first()
    assert profile is None or not profile.show_population


def test_staff_with_totp_overdue_are_sent_to_the_totp_setup_from_the_staff_pages(overdue):
    response = logged_in(overdue).get(reverse("backoffice:home"))
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp"))


def test_staff_with_totp_overdue_are_sent_to_the_totp_setup_from_the_admin_but_may_still_leave_it(overdue):
    client = logged_in(overdue)
    for name in ("admin:index", "admin:members_territory_changelist"):
        response = client.get(reverse(name))
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp")), name
    # The admin's own login and logout pages stay open: leaving is never blocked.
    assert client.post(reverse("admin:logout")).get("Location") != reverse("mfa_activate_totp")


def test_recovery_codes_or_a_security_key_without_totp_do_not_meet_the_totp_rule(mfa_required):
    """The rule asks for TOTP: staff with only recovery codes or a WebAuthn key are still sent to set
    it up, whether they hold the group's rights or only its view rights."""
    from .factories import ViewOnlyStaffFactory

    joined = timezone.now() - timedelta(days=8)
    for account in (StaffFactory(date_joined=joined), ViewOnlyStaffFactory(date_joined=joined)):
        for kind in (Authenticator.Type.RECOVERY_CODES, Authenticator.Type.WEBAUTHN):
            Authenticator.objects.create(user=account, type=kind, data={})
        client = logged_in(account)
        for name in ("backoffice:home", "admin:index"):
            response = client.get(reverse(name))
            assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp")), name
        Authenticator.objects.create(user=account, type=Authenticator.Type.TOTP, data={"secret": "x"})
        assert logged_in(account).get(reverse("admin:index")).status_code == 200


def test_staff_with_totp_overdue_validate_no_adhesion(overdue, with_totp, territory_with_objects):
    from members.models import AdhesionCampaign, Territory

    from .members.test_adhesions import IN_CAMPAIGN, filled

    # Territory B's adhésion of the campaign A has paid.
    territory = Territory.objects.get(slug="pays-b")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    campaign = AdhesionCampaign.objects.get(year=2018)
    draft = member_services.adhesion_open(
        territory=territory, campaign=campaign, by=referent, today=IN_CAMPAIGN
    )
    filled(draft, referent)
    member_services.adhesion_submit(adhesion=draft, by=referent, today=IN_CAMPAIGN)
    with pytest.raises(member_services.NotAllowed):
        member_services.adhesion_validate(adhesion=draft, by=overdue)
    member_services.adhesion_validate(adhesion=draft, by=with_totp)


# --- finding 2: staff without the group -----------------------------------------------------------


def test_staff_without_the_group_do_not_register_third_parties():
    event = EventFactory(capacity=10)
    with pytest.raises(event_services.NotAllowed):
        event_services.registration_create(
            event=event, by=UserFactory(is_staff=True), participants=[person(1, event)]
        )
    assert not event.participants.exists()
    # Staff of the group do.
    event_services.registration_create(event=event, by=StaffFactory(), participants=[person(1, event)])
    assert event.participants.count() == 1


def test_staff_without_the_group_do_not_bypass_the_members_only_rule():
    event = EventFactory(capacity=10, members_only=True)
    bare = UserFactory(is_staff=True)
    with pytest.raises(event_services.NotAllowed, match="réservé aux territoires adhérents"):
        event_services.registration_create(
            event=event, by=bare, participants=[person(1, event, email=bare.email)]
        )
    staff = StaffFactory()
    event_services.registration_create(
        event=event, by=staff, participants=[person(2, event, email=staff.email)]
    )
    assert event.participants.count() == 1


def test_staff_without_the_group_are_held_to_the_hourly_cap(settings):
    settings.ANPP_RATE_LIMITS = {**settings.ANPP_RATE_LIMITS, "event_registration": "1/h/key"}
    bare = UserFactory(is_staff=True)
    first, second = EventFactory(capacity=10), EventFactory(capacity=10)
    event_services.registration_create(
        event=first, by=bare, participants=[person(1, first, email=bare.email)]
    )
    with pytest.raises(event_services.RateLimited):
        event_services.registration_create(
            event=second, by=bare, participants=[person(1, second, email=bare.email)]
        )
    # Staff of the group register as many delegations as the day needs.
    staff = StaffFactory()
    for n, event in enumerate((first, second)):
        event_services.registration_create(event=event, by=staff, participants=[person(10 + n, event)])
