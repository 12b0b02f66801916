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
    rtpp = Event.objects.get(slug="rtpp-2018-fleurance-toulouse")
    assert rtpp.participants.filter(status="confirmed").count() == rtpp.capacity
    assert rtpp.participants.filter(status="waiting").exists()
    assert [d.date.isoformat() for d in rtpp.day_list()] == ["2018-09-25", "2018-09-26"]
    assert Event.objects.filter(kind="egpp", days__date="2018-10-08").exists()
    assert any(e.registration_is_open() for e in Event.objects.all())


def test_demo_participants_get_no_email():
    from anpp_portal.models import OutboundEmail

    members_demo.load()
    demo.load()
    assert not OutboundEmail.objects.exists()
