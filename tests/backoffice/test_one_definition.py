"""Issue 27, point 3: numbers that agree. The staff home, the dashboard, the directory and the
members-only rule count adhérents (membres) by one rule, each page says which, and the staff home's
to-dos hold only what staff still act on: open campaigns and upcoming events."""

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventDay, Participant, Site
from members.models import Adhesion, Territory
from members.selectors import territories_with_valid_adhesion, user_is_member

from ..events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from ..factories import MembershipFactory, StaffFactory, TerritoryFactory
from ..members.adhesion_factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _adhesion(territory, campaign, status, **fields):
    return Adhesion.objects.create(
        territory=territory, campaign=campaign, status=status, amount=Decimal("900"), **fields
    )


@pytest.fixture
def two_years():
    """This year's campaign still open (it closes at the end of the year), last year's closed: one
    territory renewed this year, one adhérent of last year only (it counts until this year's campaign
    closes), one whose only adhésion is a draft, and one with no adhésion."""
    today = timezone.localdate()
    this_year = CampaignFactory(
        year=today.year, opens_on=datetime.date(today.year, 1, 1), closes_on=datetime.date(today.year, 12, 31)
    )
    last_year = CampaignFactory(year=today.year - 1)
    renewed = TerritoryFactory(name="Pays renouvelé", slug="renouvele", region="75")
    _adhesion(renewed, this_year, Adhesion.Status.PAYEE)
    last = TerritoryFactory(name="Pays de l'an dernier", slug="an-dernier", region="75")
    _adhesion(last, last_year, Adhesion.Status.APPEL_EMIS)
    draft = TerritoryFactory(name="Pays en brouillon", slug="brouillon", region="76")
    _adhesion(draft, this_year, Adhesion.Status.BROUILLON)
    TerritoryFactory(name="Pays sans adhésion", slug="sans", region="76")
    return {"renewed": renewed, "last": last, "draft": draft, "today": today}


def test_the_staff_home_the_dashboard_and_the_directory_count_the_same_adherents(client, two_years):
    staff = StaffFactory()
    client.force_login(staff)
    expected = set(territories_with_valid_adhesion().values_list("pk", flat=True))
    assert expected == {two_years["renewed"].pk, two_years["last"].pk}

    home = client.get(reverse("backoffice:home"))
    assert home.context["figures"]["members"] == 2 and home.context["figures"]["territories"] == 4
    dashboard = client.get(reverse("members:dashboard"), {"annee": two_years["today"].year})
    assert dashboard.context["members"] == 2 and dashboard.context["rate"] == 50
    regions = {row["code"]: row["members"] for row in dashboard.context["regions"]}
    assert regions == {"75": 2, "76": 0}
    listed = client.get(dashboard.context["links"]["members"])
    assert {t.pk for t in listed.context["cl"].result_list} == expected

    client.logout()
    directory = client.get(reverse("directory:list"))
    assert [entry.slug for entry in directory.context["entries"]] == ["an-dernier", "renouvele"]
    assert "2 territoires membres" in directory.content.decode()

    # The members-only rule agrees: a person of last year's adhérent is a member, one of the draft is not.
    assert user_is_member(MembershipFactory(territory=two_years["last"]).user)
    assert not user_is_member(MembershipFactory(territory=two_years["draft"]).user)


def test_each_page_that_counts_adherents_says_what_it_counts(client, two_years):
    year = two_years["today"].year
    sentence = (
        f"adhésion {year} validée, ou adhésion {year - 1} validée tant que la campagne {year} n'est pas close"
    )
    client.force_login(StaffFactory())
    for url in [reverse("backoffice:home"), reverse("members:dashboard") + f"?annee={year}"]:
        assert sentence in html.unescape(client.get(url).content.decode()), url
    client.logout()
    for url in [reverse("directory:list"), reverse("directory:map")]:
        assert sentence in html.unescape(client.get(url).content.decode()), url


def test_a_past_years_dashboard_counts_the_adherents_of_that_year(client, two_years):
    client.force_login(StaffFactory())
    year = two_years["today"].year - 1
    response = client.get(reverse("members:dashboard"), {"annee": year})
    # On 31 December of last year: last year's adhérent, not this year's renewal of a territory
    # that was not one then.
    assert response.context["members"] == 1
    assert f"au 31 décembre {year} : adhésion {year} validée" in response.content.decode()


def _past_event():
    event = EventFactory(title="RTPP passées", edition=2017, capacity=1, with_days=False)
    site = Site.objects.create(event=event, name="Salle", address="Place", city="Ruffec")
    EventDay.objects.create(event=event, date=datetime.date(2017, 6, 1), site=site)
    return event


def test_the_to_dos_hold_only_open_campaigns_and_upcoming_events(client, two_years):
    old_campaign = CampaignFactory(year=2018)
    _adhesion(TerritoryFactory(), old_campaign, Adhesion.Status.SOUMISE)
    _adhesion(
        TerritoryFactory(),
        old_campaign,
        Adhesion.Status.APPEL_EMIS,
        call_number="2018-0001",
        call_issued_at=timezone.make_aware(datetime.datetime(2018, 2, 15)),
    )
    past = _past_event()
    registration = RegistrationFactory(event=past)
    ParticipantFactory(
        registration=registration, event=past, status=Participant.Status.WAITING, waiting_position=1
    )
    assert Event.objects.filter(pk=past.pk, days__date__lt=two_years["today"]).exists()

    # What is still to act on: a submitted adhésion of this year, a waiting list of an upcoming event.
    this_year = two_years["renewed"].adhesions.get().campaign
    submitted = _adhesion(TerritoryFactory(name="Pays soumis"), this_year, Adhesion.Status.SOUMISE)
    upcoming = EventFactory(title="RTPP à venir", capacity=1)
    ParticipantFactory(
        registration=RegistrationFactory(event=upcoming),
        event=upcoming,
        status=Participant.Status.WAITING,
        waiting_position=1,
    )

    client.force_login(StaffFactory())
    items = client.get(reverse("backoffice:home")).context["items"]
    by_kind = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    assert by_kind["adhesions-to-validate"][0].count == 1
    assert by_kind["calls-unpaid"][0].count == 0
    assert [item.title for item in by_kind["waiting-list"]] == ["personne en liste d'attente – RTPP à venir"]
    assert [item.title for item in by_kind.get("registrations-week", [])] == [
        "inscription cette semaine – RTPP à venir"
    ]
    listed = client.get(by_kind["adhesions-to-validate"][0].url)
    assert [a.pk for a in listed.context["cl"].result_list] == [submitted.pk]


def test_the_demo_data_issues_its_2018_appels_in_2018(db):
    import io

    from django.core.management import call_command

    from billing.models import Invoice

    call_command("load_demo_data", force=True, stdout=io.StringIO())
    for adhesion in Adhesion.objects.filter(campaign__year=2018, call_issued_at__isnull=False):
        assert adhesion.call_issued_at.year == 2018, adhesion
        assert adhesion.call_due_on.year == 2018, adhesion
    for invoice in Invoice.objects.filter(adhesion__campaign__year=2018):
        assert invoice.issued_at.year == 2018, invoice.number
    today = timezone.localdate()
    for adhesion in Adhesion.objects.filter(call_issued_at__isnull=False):
        assert timezone.localdate(adhesion.call_issued_at) <= today
        assert adhesion.call_issued_at.year == adhesion.campaign.year, adhesion
    assert Territory.objects.exists()
    # The participants of past editions registered before them, not on the day the demo was loaded.
    for participant in Participant.objects.select_related("event"):
        first_day = participant.event.days.order_by("date").first()
        if first_day and first_day.date < today:
            assert timezone.localdate(participant.created_at) <= first_day.date, participant
