"""Issue 27, point 7, on the members side: the signup form after an accepted join request starts
from the requester's names, the new territory's fiche from the population the request gave, and
ANPP staff opening /territoire/ get the way to every territory's space."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Invitation, JoinRequest

from ..factories import StaffFactory, TerritoryFactory
from .fiche_factories import FicheCampaignFactory
from .test_year import join_data

pytestmark = pytest.mark.django_db


def _approved(client, staff):
    client.post(reverse("members:join_request"), join_data())
    join = JoinRequest.objects.get()
    # The requester confirms their address by the emailed link (issue 23): only then may staff accept.
    token = services.join_request_confirm_url(join).rstrip("/").rsplit("/", 1)[-1]
    join = services.join_request_confirm(token=token)
    territory = services.join_request_approve(join_request=join, by=staff)
    return join, territory


def _invitation_key(territory):
    # The key is only ever in the email: make a fresh one the way the service does for a re-send.
    invitation = Invitation.objects.get(territory=territory)
    key = "cle-de-test-" + str(invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(key_hash=Invitation.hash_key(key))
    return key


def test_the_signup_form_after_an_accepted_join_request_holds_the_requesters_names(client):
    staff = StaffFactory()
    join, territory = _approved(client, staff)
    key = _invitation_key(territory)
    client.get(reverse("members:invitation", kwargs={"key": key}))  # the email's link, not logged in
    page = client.get(reverse("account_signup") + f"?email={join.email}").content.decode()
    first = re.search(r'<input[^>]*name="first_name"[^>]*>', page).group(0)
    last = re.search(r'<input[^>]*name="last_name"[^>]*>', page).group(0)
    assert 'value="Alix"' in first and 'value="Martin"' in last


def test_an_address_in_a_url_alone_never_shows_a_requesters_names(client):
    staff = StaffFactory()
    join, _territory = _approved(client, staff)
    page = client.get(reverse("account_signup") + f"?email={join.email}").content.decode()
    assert "Alix" not in page and "Martin" not in page


def test_the_new_territorys_fiche_starts_from_the_population_the_request_gave(client):
    staff = StaffFactory()
    join, territory = _approved(client, staff)
    today = timezone.localdate()
    campaign = FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=60),
    )
    fiche = services.fiche_open(territory=territory, campaign=campaign, by=staff)
    assert fiche.answers["population"] == join.population == 41250
    assert fiche.answers["annee_population"] == territory.population_year


def test_staff_opening_the_territory_space_are_shown_the_way_to_every_territory(client):
    TerritoryFactory(name="PETR du Pays A")
    TerritoryFactory(name="Pays B (fictif)")
    client.force_login(StaffFactory())
    page = client.get(reverse("members:space")).content.decode()
    assert "rattaché à aucun territoire" not in page
    assert "data-staff-space" in page and reverse("backoffice:home") in page
    assert "PETR du Pays A" in page and "Pays B (fictif)" in page


def test_a_person_without_territory_is_still_told_how_to_get_one(client, db):
    from ..factories import UserFactory

    client.force_login(UserFactory())
    page = client.get(reverse("members:space")).content.decode()
    assert "rattaché à aucun territoire" in page and "data-staff-space" not in page
