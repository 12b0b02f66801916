"""The audit trail of registrations: who changed a participation, when and what; redacted on anonymisation."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from events import services
from events.models import Attendance, Participant, Registration

from .factories import EventFactory
from .helpers import person

pytestmark = pytest.mark.django_db


def _history(participant):
    return list(Participant.history.filter(id=participant.pk).order_by("history_date", "history_id"))


def test_a_cancellation_and_the_promotion_it_causes_are_recorded_with_who_acted(referent_a, territory_a):
    event = EventFactory(capacity=1)
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(0, event), person(1, event)]
    )
    seated, waiting = outcome.confirmed[0], outcome.waiting[0]
    services.participant_cancel(participant=seated, by=referent_a)

    cancelled = _history(seated)
    assert [(h.history_type, h.status) for h in cancelled] == [("+", "confirmed"), ("~", "cancelled")]
    assert all(h.history_user == referent_a for h in cancelled)
    assert cancelled[-1].history_change_reason == services.REASON_CANCELLED
    assert {c.field for c in cancelled[-1].diff_against(cancelled[0]).changes} == {"status", "cancelled_at"}

    promoted = _history(waiting)
    assert [h.status for h in promoted] == ["waiting", "confirmed"]
    assert promoted[-1].history_user == referent_a
    assert promoted[-1].history_change_reason == services.REASON_PROMOTED
    registration = Registration.history.get(id=outcome.registration.pk)
    assert registration.history_user == referent_a and registration.history_type == "+"


def test_staff_see_who_cancelled_from_the_admin_in_the_history_page(client, staff, referent_a, territory_a):
    event = EventFactory(capacity=5)
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(0, event)]
    )
    participant = outcome.confirmed[0]
    client.force_login(staff)
    response = client.post(
        reverse("admin:events_participant_changelist"),
        {"action": "cancel_participants", "_selected_action": [participant.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_participant_changelist")
    last = _history(participant)[-1]
    assert last.status == Participant.Status.CANCELLED and last.history_user == staff

    page = client.get(reverse("admin:events_participant_history", args=[participant.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert services.REASON_CANCELLED in content and str(staff) in content
    assert (
        client.get(reverse("admin:events_registration_history", args=[outcome.registration.pk])).status_code
        == 200
    )


def test_the_history_pages_are_for_staff_only(client, referent_a, territory_a):
    event = EventFactory()
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(0, event)]
    )
    client.force_login(referent_a)
    url = reverse("admin:events_participant_history", args=[outcome.confirmed[0].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={quote(url)}"


def test_anonymising_a_participant_redacts_their_history(referent_a, territory_a, staff):
    event = EventFactory(capacity=5)
    data = person(0, event)
    data.dietary_needs = "Sans gluten"
    data.accessibility_needs = "Fauteuil roulant"
    participant = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[data]
    ).confirmed[0]
    services.participant_cancel(participant=participant, by=staff)
    assert len(_history(participant)) == 2

    services.participant_anonymise(participant=participant)

    history = _history(participant)
    assert len(history) == 2  # who acted and when are kept…
    assert [h.history_user for h in history] == [referent_a, staff]
    assert [h.status for h in history] == ["confirmed", "cancelled"]
    for row in history:  # …whose seat it was is not
        assert (row.first_name, row.last_name) == ("Anonyme", f"n°{participant.pk}")
        assert row.email == f"participant-{participant.pk}@anonyme.invalid"
        assert row.dietary_needs == row.accessibility_needs == ""
    values = [str(v) for row in Participant.history.values() for v in row.values()]
    assert not any("personne0" in v or "Prénom0" in v or "gluten" in v for v in values)


def test_a_check_in_at_the_door_is_in_the_audit_trail_with_who_did_it(staff, referent_a, territory_a):
    event = EventFactory()
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(0, event)]
    )
    participant = outcome.confirmed[0]
    day = event.days.order_by("date").first()
    services.participant_check_in(participant=participant, day=day, by=staff)
    services.participant_check_in(participant=participant, day=day, by=staff, present=False)

    history = list(Attendance.history.filter(participant_id=participant.pk).order_by("history_date"))
    assert [(h.history_type, h.history_change_reason) for h in history] == [
        ("+", services.REASON_CHECKED_IN),
        ("-", services.REASON_CHECK_IN_UNDONE),
    ]
    assert all(h.history_user == staff and h.day_id == day.pk for h in history)
    assert not Attendance.objects.filter(participant=participant).exists()
