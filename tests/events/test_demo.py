import pytest

from events import demo
from events.models import Event, Participant
from members import demo as members_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_without_change_and_shows_a_waiting_list():
    members_demo.load()
    assert demo.load() == []
    counts = (Event.objects.count(), Participant.objects.count())
    demo.load()
    assert (Event.objects.count(), Participant.objects.count()) == counts
    rtpp = Event.objects.get(slug="rtpp-2017-fleurance-toulouse")
    assert rtpp.participants.filter(status="confirmed").count() == rtpp.capacity
    assert rtpp.participants.filter(status="waiting").exists()
    assert any(e.registration_is_open() for e in Event.objects.all())


def test_the_seeds_gatherings_carry_their_true_dates_and_places_and_the_upcoming_one_is_an_example():
    members_demo.load()
    demo.load()

    def dates_and_cities(kind):
        event = Event.objects.get(kind=kind, status="closed")
        return [d.date.isoformat() for d in event.day_list()], sorted(s.city for s in event.sites.all())

    assert dates_and_cities("rtpp") == (["2017-09-25", "2017-09-26"], ["Fleurance", "Toulouse"])
    assert dates_and_cities("cnpp") == (["2017-10-23"], ["75006 Paris"])
    assert Event.objects.get(kind="cnpp").sites.get().name.startswith("Sénat")
    assert dates_and_cities("egpp") == (["2018-10-08", "2018-10-09"], ["Nancy"])
    upcoming = Event.objects.exclude(status="closed")
    assert upcoming.exists()
    for event in upcoming:
        assert "fictif" in event.title.lower() and "fictif" in event.description.lower()
        assert all("xemple" in site.name + site.city for site in event.sites.all())


def test_demo_participants_get_no_email():
    from anpp_portal.models import OutboundEmail

    members_demo.load()
    demo.load()
    assert not OutboundEmail.objects.exists()
