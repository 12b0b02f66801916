"""The staff home: where ANPP staff land after logging in, what needs action now with the filtered
list where they act, and the key figures of the year."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anpp_portal.models import OutboundEmail
from events.models import Participant
from members.models import Adhesion, JoinRequest, Role, Territory

from ..events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from ..factories import MembershipFactory, StaffFactory, TerritoryFactory, UserFactory
from ..members.adhesion_factories import CampaignFactory
from ..members.fiche_factories import FicheCampaignFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test-1234"


def _login(client, user):
    from allauth.account.models import EmailAddress

    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_staff_land_on_the_staff_home_after_logging_in(client):
    response = _login(client, StaffFactory())
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:home")


def test_a_staff_account_without_the_group_lands_where_a_plain_person_does(client):
    """Being staff gives nothing by itself (anpp_portal/staffpolicy.py): no landing on a 403."""
    response = _login(client, UserFactory(is_staff=True))
    assert response.status_code == 302 and response["Location"] != reverse("backoffice:home")


def test_territory_people_still_land_on_their_territory_space(client):
    """A person of one territory lands on that territory's year (issue 11), never on the staff home."""
    membership = MembershipFactory(role=Role.REFERENT)
    response = _login(client, membership.user)
    assert response["Location"] == reverse("members:territory", kwargs={"slug": membership.territory.slug})


def test_a_next_page_wins_over_the_staff_home(client):
    user = UserFactory(is_staff=True)
    _login(client, user)
    client.logout()
    response = client.post(
        reverse("account_login") + "?next=/tableau-de-bord/panorama/",
        {"login": user.email, "password": PASSWORD},
    )
    assert response["Location"] == "/tableau-de-bord/panorama/"


def _world():
    """One thing of each kind that needs action."""
    campaign = CampaignFactory(year=timezone.localdate().year)
    submitted = Adhesion.objects.create(
        territory=TerritoryFactory(), campaign=campaign, status=Adhesion.Status.SOUMISE, amount=Decimal("900")
    )
    late = Adhesion.objects.create(
        territory=TerritoryFactory(),
        campaign=campaign,
        status=Adhesion.Status.APPEL_EMIS,
        amount=Decimal("1200"),
        call_number=f"{campaign.year}-0001",
        call_issued_at=timezone.now() - datetime.timedelta(days=40),
    )
    today = timezone.localdate()
    FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today + datetime.timedelta(days=12),
    )
    MembershipFactory(territory=late.territory, role=Role.REFERENT)
    event = EventFactory(capacity=1)
    registration = RegistrationFactory(event=event)
    ParticipantFactory(
        registration=registration, event=event, status=Participant.Status.WAITING, waiting_position=1
    )
    OutboundEmail.objects.create(
        key="exemple:echec", to="personne@exemple.fr", subject="Exemple", body_text="…", status="failed"
    )
    join = JoinRequest.objects.create(
        territory_name="Pays fictif du Val-Exemple",
        kind=Territory.Kind.PETR,
        siren="200000172",
        population=45000,
        first_name="Camille",
        last_name="Exemple",
        function="Directrice",
        email="camille@val-exemple.test",
    )
    JoinRequest.objects.create(  # already decided: not counted
        territory_name="Pays fictif déjà accepté",
        kind=Territory.Kind.PETR,
        siren="200000180",
        population=30000,
        first_name="Alex",
        last_name="Exemple",
        function="Directeur",
        email="alex@deja-accepte.test",
        status=JoinRequest.Status.APPROVED,
    )
    return {"submitted": submitted, "late": late, "event": event, "join": join}


def test_the_staff_home_counts_what_needs_action_and_links_to_the_list_where_staff_act(client, staff):
    world = _world()
    client.force_login(staff)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 200
    items = {item.kind: item for item in response.context["items"]}
    assert set(items) == {
        "join-requests",
        "adhesions-to-validate",
        "calls-unpaid",
        "fiches-missing",
        "registrations-week",
        "waiting-list",
        "emails-failed",
    }
    expected = {
        "adhesions-to-validate": [world["submitted"].territory.name],
        "calls-unpaid": [world["late"].territory.name],
        "fiches-missing": [world["late"].territory.name],
        "emails-failed": ["personne@exemple.fr"],
        "join-requests": ["Pays fictif du Val-Exemple"],
    }
    for kind, item in items.items():
        listed = client.get(item.url)
        assert listed.status_code == 200, kind
        assert listed.context["cl"].result_count == item.count == 1, kind
        for text in expected.get(kind, []):
            assert text in listed.content.decode(), kind
    content = response.content.decode()
    assert items["waiting-list"].title.endswith(world["event"].title)
    home = reverse("backoffice:home")
    assert f'<a href="{home}" aria-current="page">Espace équipe</a>' in content
    assert "Mon espace territoire" not in content


def test_the_staff_home_makes_the_same_number_of_queries_for_one_event_or_many(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _world()
    client.force_login(staff)
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("backoffice:home"))
        counts.append(len(queries))
        for _ in range(5):  # five more events with registrations of the week and waiting lists
            event = EventFactory(capacity=1)
            registration = RegistrationFactory(event=event)
            ParticipantFactory(
                registration=registration, event=event, status=Participant.Status.WAITING, waiting_position=1
            )
    # 20, the legal questions' queue, the first campaign year still in progress, and the staff
    # account's permissions (its own and its group's: staff are not superusers), the open enquêtes.
    assert counts[0] == counts[1] <= 25


def test_the_staff_home_is_for_staff_only(client, referent_a):
    client.force_login(referent_a)
    assert client.get(reverse("backoffice:home")).status_code == 403
