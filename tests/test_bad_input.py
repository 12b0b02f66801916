"""Finding 8 of issue 16: made-up page numbers, NUL characters and over-long values are answered
with a 400, a 404 or a form error, never a 500. Run on PostgreSQL too: it is PostgreSQL that refuses
NUL in a string and a bigint past 2**63."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import Invitation, Role

from .events.factories import EventFactory, ParticipantFactory
from .factories import MembershipFactory, StaffFactory
from .publications.factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
EMAIL_OF_300 = "a" * 288 + "@exemple.fr"


def client_for(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_a_search_page_number_past_any_integer_is_the_last_page_not_a_500():
    ArticleFactory(issue=IssueFactory(), title="Les territoires ruraux", body="territoire")
    for page in (HUGE, "-" + HUGE, "1e9", "9" * 5000):
        response = client_for().get(reverse("publications:search"), {"q": "territoire", "page": page})
        assert response.status_code == 200, page


def test_a_nul_in_a_newsletter_token_or_a_search_is_a_400():
    client = client_for()
    for path in ("/publications/lettre/desinscription/%00/", "/publications/lettre/confirmer/%00/"):
        assert client.get(path).status_code == 400, path
        assert client.post(path).status_code == 400, path
    assert client.get("/publications/recherche/?q=terri%00toire").status_code == 400


def test_a_nul_in_the_check_in_search_is_a_400():
    event = ParticipantFactory().event
    response = client_for(StaffFactory()).get(
        reverse("events:checkin", kwargs={"slug": event.slug}), {"q": "\x00"}
    )
    assert response.status_code == 400


def test_made_up_years_and_versions_are_not_a_500(territory_a, referent_a):
    staff = client_for(StaffFactory())
    for name in ("members:dashboard", "members:panorama"):
        assert staff.get(reverse(name), {"annee": HUGE}).status_code == 200
    from .members.fiche_factories import FicheCampaignFactory

    FicheCampaignFactory(year=2018)
    url = reverse(
        "members:fiche_section", kwargs={"slug": territory_a.slug, "year": 2018, "section": "identite"}
    )
    for version in ("abc", HUGE):
        assert client_for(referent_a).post(url, {"version": version}).status_code == 200


def test_an_invitation_to_an_address_of_300_characters_is_a_form_error(territory_a, referent_a):
    response = client_for(referent_a).post(
        reverse("members:territory", kwargs={"slug": territory_a.slug}),
        {"email": EMAIL_OF_300, "role": Role.MEMBRE},
    )
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_a_registration_of_a_participant_with_an_address_of_300_characters_is_a_form_error(territory_a):
    event = EventFactory()
    person = MembershipFactory(territory=territory_a, role=Role.REFERENT).user
    page = client_for(person).get(reverse("events:register", kwargs={"slug": event.slug}))
    assert page.status_code == 200
    form = page.context["form"]
    data = dict.fromkeys(form.fields, "")
    data.update({"territory": str(territory_a.pk)} if "territory" in form.fields else {})
    formset = page.context["formset"]
    data.update(
        {
            f"{formset.prefix}-TOTAL_FORMS": "1",
            f"{formset.prefix}-INITIAL_FORMS": "0",
            f"{formset.prefix}-MIN_NUM_FORMS": "1",
            f"{formset.prefix}-MAX_NUM_FORMS": "50",
            f"{formset.prefix}-0-first_name": "Camille",
            f"{formset.prefix}-0-last_name": "Exemple",
            f"{formset.prefix}-0-email": EMAIL_OF_300,
        }
    )
    response = client_for(person).post(
        reverse("events:register", kwargs={"slug": event.slug}), data, follow=True
    )
    assert response.status_code == 200
    assert any("email" in errors for errors in response.context["formset"].errors)
