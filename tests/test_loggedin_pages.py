"""The pages a territory's person and ANPP staff live on, logged in (issue 17): what every visitor
shares is kept as a fragment until its content changes; what is the person's own is theirs alone.

Their query counts are pinned at two sizes of data, first render and kept render; two persons of
two territories never see each other's part of a shared fragment; a registration made between two
views of an event page shows on the second.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Function, Participant
from members import services as members_services
from members.models import Adhesion, Department, SurveyResponse

from .events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from .factories import InvitationFactory, MembershipFactory
from .members.adhesion_factories import CampaignFactory
from .members.fiche_factories import FicheCampaignFactory
from .members.survey_factories import SurveyFactory
from .publications.factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _departments():
    """Loaded by a data migration; a browser test's flush may have emptied the table."""
    for code, name in (("16", "Charente"), ("86", "Vienne")):
        Department.objects.get_or_create(code=code, defaults={"name": name, "region": "75"})


def build(size, *, territory, referent, other_territory, other_referent):
    """``size`` of everything the pages list: events the two territories registered to (with two
    participants each), people and invitations of the territory, issues of ``size`` articles."""
    today = timezone.localdate()
    campaign = CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=30),
    )
    fiche_campaign = FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=60),
    )
    # The territory is a member (the members-only article is read in full), its fiche is open.
    Adhesion.objects.create(
        territory=territory, campaign=campaign, status=Adhesion.Status.PAYEE, amount=Decimal("500")
    )
    members_services.fiche_open(territory=territory, campaign=fiche_campaign, by=referent)
    # Open enquêtes asked of the territory (of its région, or chosen by hand), one answered.
    for n in range(size):
        survey = SurveyFactory(
            questions=False, regions=[territory.region], audience="liste" if n % 2 else "adherents"
        )
        survey.territories.set([territory])
        if n == 0:
            SurveyResponse.objects.create(territory=territory, campaign=survey, updated_by=referent)
    events = [EventFactory(capacity=50) for _ in range(size)]
    for event in events:
        for who, where in ((referent, territory), (other_referent, other_territory)):
            registration = RegistrationFactory(event=event, created_by=who, territory=where)
            for _ in range(2):
                ParticipantFactory(
                    registration=registration, event=event, status=Participant.Status.CONFIRMED
                )
    for _ in range(size):
        MembershipFactory(territory=territory, role="membre")
        InvitationFactory(territory=territory, invited_by=referent)
    issues = [IssueFactory(visibility="members") for _ in range(size)]
    for issue in issues:
        for _ in range(size):
            ArticleFactory(issue=issue)
    article = issues[0].articles.order_by("order").first()
    return {
        "space": reverse("members:space"),
        "year": f"/territoire/{territory.slug}/",
        "adhesion": reverse("members:adhesion", kwargs={"slug": territory.slug, "year": today.year}),
        "fiche section": reverse(
            "members:fiche_section",
            kwargs={"slug": territory.slug, "year": today.year, "section": "identite"},
        ),
        "event": events[0].get_absolute_url(),
        "registration form": reverse("events:register", kwargs={"slug": events[0].slug}),
        "my registrations": reverse("events:my_registrations"),
        "archive": reverse("publications:archive"),
        "article": article.get_absolute_url(),
    }


STAFF_PAGES = {"staff home": reverse("backoffice:home"), "dashboard": reverse("members:dashboard")}

# Queries of each page: its first render (fragments empty), then with its fragments kept (the
# person's own parts too: their rights on the territory, whether they are a member). The same at 1
# and at 6 of everything: nothing is read row by row.
FIRST_RENDER = {
    "space": 6,
    # 17 + the notes published since the person's last visit of the notes (resources) + the open
    # enquêtes asked of the territory (5: the enquêtes, those chosen by hand, whether the territory
    # is a member today, its adhésions' statuses, its answers)
    "year": 24,
    "adhesion": 8,
    "fiche section": 5,
    "event": 6,
    "registration form": 6,
    "my registrations": 4,
    "archive": 4,
    "article": 7,  # who is a member is one query (issue 27: the campaign's closing is a subquery)
    # The two staff pages: + the staff account's permissions, its own and its group's (2 queries:
    # staff are members of « Équipe ANPP », not superusers).
    # 17 + join requests (waiting and contested, one query) + failed issue PDFs + legal questions
    # + the first campaign year still in progress
    "staff home": 24,  # + the open enquêtes
    "dashboard": 17,  # + the adhérents by the one rule
}
KEPT = dict.fromkeys(FIRST_RENDER, 2)  # the session and the person: everything else is kept
KEPT.update({"staff home": 4, "dashboard": 4})  # and a staff account's permissions (its own, its group's)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("size", [1, 6])
def test_each_page_makes_the_same_few_queries_whatever_the_data(
    size, territory_a, referent_a, territory_b, referent_b, staff
):
    pages = build(
        size,
        territory=territory_a,
        referent=referent_a,
        other_territory=territory_b,
        other_referent=referent_b,
    )
    person, team = Client(), Client()
    person.force_login(referent_a)
    team.force_login(staff)
    visits = [(name, url, person) for name, url in pages.items()]
    visits += [(name, url, team) for name, url in STAFF_PAGES.items()]
    first = {name: count(client, url) for name, url, client in visits}
    kept = {name: count(client, url) for name, url, client in visits}
    assert first == FIRST_RENDER
    assert kept == KEPT


def register_form(person, *, territory) -> dict:
    return {
        "territory": str(territory.pk),
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "1",
        "participants-MAX_NUM_FORMS": "50",
        "participants-0-first_name": person.first_name,
        "participants-0-last_name": person.last_name,
        "participants-0-email": person.email,
        "participants-0-function": Function.TECHNICIEN,
    }


def seats_left(html: str) -> int:
    return int(re.search(r"(\d+) places? restantes?", html).group(1))


def test_a_registration_made_between_two_views_of_the_event_page_shows_on_the_second(
    territory_a, referent_a, territory_b, referent_b
):
    event = EventFactory(capacity=10, with_days=1)
    a, b = Client(), Client()
    a.force_login(referent_a)
    b.force_login(referent_b)
    first = a.get(event.get_absolute_url()).content.decode()
    assert seats_left(first) == 10
    assert seats_left(a.get(event.get_absolute_url()).content.decode()) == 10  # kept
    data = register_form(referent_b, territory=territory_b)
    data["participants-0-days"] = str(event.days.get().pk)
    response = b.post(reverse("events:register", kwargs={"slug": event.slug}), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert event.participants.filter(status=Participant.Status.CONFIRMED).count() == 1
    assert seats_left(a.get(event.get_absolute_url()).content.decode()) == 9
    anonymous = Client().get(event.get_absolute_url()).content.decode()
    assert seats_left(anonymous) == 9


def test_two_persons_of_two_territories_never_see_each_others_part_of_a_shared_fragment(
    territory_a, referent_a, territory_b, referent_b
):
    pages = build(
        1, territory=territory_a, referent=referent_a, other_territory=territory_b, other_referent=referent_b
    )
    MembershipFactory(territory=territory_b, role="membre")  # B has people of its own
    a, b = Client(), Client()
    a.force_login(referent_a)
    b.force_login(referent_b)
    # A renders (and so keeps) every shared fragment first; B then gets them, twice.
    seen_by_a = {name: a.get(url).content.decode() for name, url in pages.items()}
    for name in ("event", "registration form", "my registrations", "archive", "article"):
        for _ in range(2):
            seen_by_b = b.get(pages[name]).content.decode()
            assert referent_a.email not in seen_by_b, name
            assert territory_a.name not in seen_by_b, name
    # The registration form: each person's own name, email and territories in the kept rows.
    form_a = a.get(pages["registration form"]).content.decode()
    form_b = b.get(pages["registration form"]).content.decode()
    assert f'value="{referent_a.email}"' in form_a and referent_b.email not in form_a
    assert f'value="{referent_b.email}"' in form_b and referent_a.email not in form_b
    assert territory_b.name in form_b and territory_a.name not in form_b
    assert territory_a.name in form_a and territory_b.name not in form_a
    # My registrations: each sees their territory's delegation, never the other's.
    mine_b = b.get(pages["my registrations"]).content.decode()
    assert territory_b.name in mine_b and territory_a.name not in mine_b
    assert (
        territory_a.name in seen_by_a["my registrations"]
        and territory_b.name not in seen_by_a["my registrations"]
    )
    # The year pages of the two territories: each its own delegations and people; another
    # territory's year page is a 404, kept fragment or not.
    year_b = f"/territoire/{territory_b.slug}/"
    page_b = b.get(year_b).content.decode()
    assert referent_b.email in page_b and referent_a.email not in page_b
    assert referent_a.email in seen_by_a["year"] and referent_b.email not in seen_by_a["year"]
    assert b.get(pages["year"]).status_code == 404
    assert b.get(pages["adhesion"]).status_code == 404
    assert b.get(pages["fiche section"]).status_code == 404
    assert a.get(year_b).status_code == 404


def test_a_kept_fragment_with_forms_gets_each_requests_own_csrf_token(territory_a, referent_a):
    MembershipFactory(territory=territory_a, role="membre")
    one, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one.force_login(referent_a)
    other.force_login(referent_a)
    url = f"/territoire/{territory_a.slug}/"
    first = one.get(url)
    second = other.get(url)  # from the kept fragment
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.content.decode()).group(1)
    response = other.post(
        url, {"csrfmiddlewaretoken": token, "email": "nouvelle@pays-a.fr", "role": "membre"}
    )
    assert response.status_code == 302  # accepted: the token is this session's
    assert "fragment:csrf-token" not in first.content.decode() + second.content.decode()


def test_a_person_removed_from_a_territory_loses_it_at_once_though_their_rights_are_kept(
    territory_a, referent_a
):
    colleague = MembershipFactory(territory=territory_a, role="referent")
    person, referent = Client(), Client()
    person.force_login(colleague.user)
    referent.force_login(referent_a)
    year = f"/territoire/{territory_a.slug}/"
    page = person.get(year).content.decode()
    assert "Inviter une personne" in page  # a référent manages people
    assert person.get(year).status_code == 200  # rights kept
    role_url = reverse(
        "members:membership_role", kwargs={"slug": territory_a.slug, "membership_pk": colleague.pk}
    )
    assert referent.post(role_url, {"role": "membre"}).status_code == 302
    page = person.get(year).content.decode()
    assert "Inviter une personne" not in page  # no longer a référent, at once
    remove_url = reverse(
        "members:membership_remove", kwargs={"slug": territory_a.slug, "membership_pk": colleague.pk}
    )
    assert referent.post(remove_url).status_code == 302
    assert person.get(year).status_code == 404
    assert person.get(reverse("events:my_registrations")).status_code == 200


def test_the_kept_registration_rows_show_each_persons_own_name_as_django_renders_it(territory_a, referent_a):
    event = EventFactory()
    url = reverse("events:register", kwargs={"slug": event.slug})
    named, unnamed = Client(), Client()
    named.force_login(referent_a)
    nameless = MembershipFactory(territory=territory_a, role="membre").user
    nameless.first_name = ""
    nameless.last_name = "O'Brien & <Fils>"
    nameless.save()
    unnamed.force_login(nameless)
    named.get(url)  # the rows are kept
    html = unnamed.get(url).content.decode()
    first_name = re.search(r'<input[^>]*name="participants-0-first_name"[^>]*>', html).group(0)
    last_name = re.search(r'<input[^>]*name="participants-0-last_name"[^>]*>', html).group(0)
    assert "value=" not in first_name
    assert 'value="O&#x27;Brien &amp; &lt;Fils&gt;"' in last_name
    assert "fragment-person" not in html
