"""Events, complete: per-day capacity, timetable clashes, capacity raises, QR codes, per-participant
.ics, third-party registration without enumeration, the decline link."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from anpp_portal.models import OutboundEmail
from events import qr, services
from events.models import Attendance, Participant, Session, SessionChoice

from ..factories import MembershipFactory, UserFactory
from .factories import EventFactory, add_atelier
from .helpers import person

pytestmark = pytest.mark.django_db


def register(event, by, people, territory=None):
    return services.registration_create(event=event, by=by, territory=territory, participants=people)


def on_days(data, *days):
    data.days = list(days)
    return data


# --- Timetable clashes ---------------------------------------------------------------------------


def test_two_overlapping_ateliers_are_refused_with_both_named(referent_a, territory_a):
    event = EventFactory()
    first = add_atelier(event, title="Mobilités rurales")  # 14 h – 16 h
    second = add_atelier(event, title="Alimentation locale")
    second.starts_at, second.ends_at = datetime.time(15, 30), datetime.time(17, 0)
    second.save()
    with pytest.raises(services.InvalidChoice) as error:
        register(event, referent_a, [person(0, event, sessions=[first, second])], territory_a)
    message = str(error.value)
    assert "« Mobilités rurales » (14 h – 16 h)" in message
    assert "« Alimentation locale » (15 h 30 – 17 h)" in message
    assert not Participant.objects.exists()
    # Back to back is not a clash.
    second.starts_at = datetime.time(16, 0)
    second.save()
    assert register(event, referent_a, [person(0, event, sessions=[first, second])], territory_a).confirmed


def test_the_registration_form_refuses_overlapping_ateliers_next_to_the_field(
    client, referent_a, territory_a
):
    event = EventFactory()
    day = event.days.order_by("date").first()
    first = add_atelier(event, title="Mobilités rurales")
    second = add_atelier(event, title="Alimentation locale")
    client.force_login(referent_a)
    data = {
        "territory": territory_a.pk,
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-first_name": "Anne",
        "participants-0-last_name": "Rivière",
        "participants-0-email": "anne@pays.test",
        "participants-0-function": "technicien",
        "participants-0-days": [str(day.pk)],
        f"participants-0-ateliers_{day.pk}": [str(first.pk), str(second.pk)],
    }
    body = client.post(
        reverse("events:register", kwargs={"slug": event.slug}), data, follow=True
    ).content.decode()
    assert "ont lieu en même temps" in body and "14 h – 16 h" in body
    assert 'value="Rivière"' in body
    assert not Participant.objects.exists()


# --- Per-day capacity -----------------------------------------------------------------------------


def test_a_day_with_its_own_capacity_has_its_own_waiting_list_and_promotion(
    referent_a, territory_a, send_outbox
):
    event = EventFactory(capacity=10)
    day1, day2 = event.days.order_by("date")
    day2.capacity = 1  # the second day's room holds one person
    day2.save()
    both = register(event, referent_a, [person(0, event)], territory_a).confirmed[0]
    second_day = register(event, referent_a, [on_days(person(1, event), day2)], territory_a)
    first_day = register(event, referent_a, [on_days(person(2, event), day1)], territory_a)
    assert [p.last_name for p in second_day.waiting] == ["Nom1"]
    # Day 1 still has room: a person of day 1 only is not queued behind day 2's list.
    assert [p.last_name for p in first_day.confirmed] == ["Nom2"]

    services.participant_update(participant=both, by=referent_a, days=[day1], sessions=[])
    assert Participant.objects.get(last_name="Nom1").status == Participant.Status.CONFIRMED
    assert any(m.to == ["personne1@pays.test"] and "place s'est libérée" in m.subject for m in send_outbox())
    # Day 2 is full again: a confirmed person cannot add it.
    with pytest.raises(services.InvalidChoice, match="complète"):
        services.participant_update(participant=both, by=referent_a, days=[day1, day2], sessions=[])


def test_a_seat_freed_on_one_day_goes_past_those_waiting_for_another_day(referent_a, territory_a):
    """The waiting list is in order, but a person waiting for a full day does not hold back the next
    in line, who waits for the day where a seat has just been freed."""
    event = EventFactory(capacity=None)
    day1, day2 = event.days.order_by("date")
    day1.capacity = day2.capacity = 1
    day1.save()
    day2.save()
    both = register(event, referent_a, [person(0, event)], territory_a).confirmed[0]
    assert register(event, referent_a, [on_days(person(1, event), day2)], territory_a).waiting
    assert register(event, referent_a, [on_days(person(2, event), day1)], territory_a).waiting

    services.participant_update(participant=both, by=referent_a, days=[day2], sessions=[])
    statuses = dict(Participant.objects.values_list("last_name", "status"))
    assert statuses == {
        "Nom0": Participant.Status.CONFIRMED,
        "Nom1": Participant.Status.WAITING,  # first in line, but day 2 is still full
        "Nom2": Participant.Status.CONFIRMED,  # day 1's freed seat
    }


def test_raising_a_days_capacity_promotes_its_waiting_list_and_emails(
    referent_a, territory_a, staff, send_outbox
):
    event = EventFactory(capacity=None)
    day1, _day2 = event.days.order_by("date")
    day1.capacity = 1
    day1.save()
    register(event, referent_a, [person(0, event)], territory_a)
    waiting = register(event, referent_a, [person(1, event)], territory_a).waiting
    assert len(waiting) == 1
    with pytest.raises(services.EventsError, match="déjà confirmés ce jour"):
        services.day_capacity_change(day=day1, capacity=0, by=staff)
    promoted = services.day_capacity_change(day=day1, capacity=2, by=staff)
    assert [p.last_name for p in promoted] == ["Nom1"]
    assert any(m.to == ["personne1@pays.test"] and "place s'est libérée" in m.subject for m in send_outbox())


def test_raising_an_ateliers_capacity_seats_the_first_waiting_and_emails_them(
    referent_a, territory_a, staff, send_outbox
):
    event = EventFactory()
    atelier = add_atelier(event, capacity=1, title="Atelier ingénierie partagée")
    register(event, referent_a, [person(i, event, sessions=[atelier]) for i in range(3)], territory_a)
    assert list(SessionChoice.objects.order_by("pk").values_list("status", flat=True)) == [
        "confirmed",
        "waiting",
        "waiting",
    ]
    seated = services.session_capacity_change(session=atelier, capacity=2, by=staff)
    assert [c.participant.last_name for c in seated] == ["Nom1"]
    sent = [m for m in send_outbox() if m.to == ["personne1@pays.test"]]
    promotion = next(m for m in sent if "dans l'atelier" in m.subject)
    assert "Atelier ingénierie partagée" in promotion.body and "14 h" in promotion.body
    assert "Atelier : Atelier" not in promotion.body


def test_the_admin_raising_capacities_inline_promotes_and_emails(client, referent_a, territory_a, staff):
    event = EventFactory(capacity=None)
    day1 = event.days.order_by("date").first()
    day1.capacity = 2
    day1.save()
    atelier = add_atelier(event, capacity=1)
    register(event, referent_a, [person(i, event, sessions=[atelier]) for i in range(3)], territory_a)
    # Nom0 and Nom1 have the day, Nom1 waits for the atelier; Nom2 waits for the day.
    Session.objects.filter(pk=atelier.pk).update(capacity=5)
    type(day1).objects.filter(pk=day1.pk).update(capacity=5)
    promoted, seated = services.event_seats_refresh(event=event, by=staff)
    assert [p.last_name for p in promoted] == ["Nom2"]
    assert [c.participant.last_name for c in seated] == ["Nom1"]
    assert set(SessionChoice.objects.values_list("status", flat=True)) == {"confirmed"}
    assert OutboundEmail.objects.filter(key=f"event-promotion:{promoted[0].pk}").exists()
    assert OutboundEmail.objects.filter(key=f"event-atelier-promotion:{seated[0].pk}").exists()


# --- QR codes and check-in ---------------------------------------------------------------------------


def test_each_participant_has_a_signed_unique_code_revoked_on_cancellation(referent_a, territory_a, staff):
    event = EventFactory()
    day1, day2 = event.days.order_by("date")
    first, second = register(
        event, referent_a, [person(0, event), on_days(person(1, event), day2)], territory_a
    ).confirmed
    codes = {qr.code_for(first), qr.code_for(second)}
    assert len(codes) == 2 and all(len(p.qr_secret) >= 22 for p in (first, second))

    result = services.checkin_scan(event=event, day=day1, code=qr.code_for(first), by=staff)
    assert (result.state, result.participant) == ("present", first)
    again = services.checkin_scan(event=event, day=day1, code=qr.code_for(first), by=staff)
    assert again.state == "already" and again.checked_in_at == result.checked_in_at
    assert Attendance.objects.filter(participant=first).count() == 1

    # Another day: the code is valid, the person is not expected that day.
    assert (
        services.checkin_scan(event=event, day=day1, code=qr.code_for(second), by=staff).state == "not_today"
    )
    # Another event: refused.
    other = EventFactory()
    assert services.checkin_scan(
        event=other, day=other.days.first(), code=qr.code_for(first), by=staff
    ).state == ("unknown")
    # A forged signature or a guessed secret: refused.
    pk, _sep, rest = qr.code_for(second).partition(".")
    assert (
        services.checkin_scan(event=event, day=day2, code=f"{pk}.{rest[:-2]}xx", by=staff).state == "unknown"
    )
    second.qr_secret = qr.new_secret()
    assert services.checkin_scan(event=event, day=day2, code=qr.code_for(second), by=staff).state == "unknown"

    old_code = qr.code_for(first)
    services.participant_cancel(participant=first, by=staff)
    first.refresh_from_db()
    assert first.qr_secret == ""
    assert services.checkin_scan(event=event, day=day2, code=old_code, by=staff).state == "cancelled"


def test_the_scan_answer_is_json_for_the_check_in_page(client, referent_a, territory_a, staff):
    event = EventFactory()
    day = event.days.order_by("date").first()
    participant = register(event, referent_a, [person(0, event)], territory_a).confirmed[0]
    client.force_login(staff)
    url = reverse("events:checkin_scan", kwargs={"slug": event.slug, "day_pk": day.pk})
    first = client.post(url, {"code": qr.code_for(participant)}).json()
    assert first["state"] == "present" and first["name"] == "Prénom0 Nom0" and first["title"] == "Présent·e"
    second = client.post(url, {"code": qr.code_for(participant)}).json()
    assert second["state"] == "already" and second["detail"].startswith("Déjà pointé·e à ")
    assert " h" in second["detail"]
    page = client.get(reverse("events:checkin_day", kwargs={"slug": event.slug, "day_pk": day.pk}))
    assert page["Permissions-Policy"].startswith("camera=(self)")


def test_badges_carry_the_personal_qr_code(client, referent_a, territory_a, staff):
    from events import pdf

    event = EventFactory()
    participant = register(event, referent_a, [person(0, event)], territory_a).confirmed[0]
    html_participants = list(pdf.selectors.participants_for_staff(event))
    assert html_participants[0].pk == participant.pk
    document = pdf.badges_document(event)
    assert len(document.pages) == 1
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(document.write_pdf()))
    assert "Prénom0" in reader.pages[0].extract_text()
    # The QR is drawn as vector paths: the page holds far more drawing than a badge without it.
    participant.qr_secret = ""
    participant.save()
    without = pypdf.PdfReader(io.BytesIO(pdf.badges(event)))
    assert len(reader.pages[0].get_contents().get_data()) > 2 * len(
        without.pages[0].get_contents().get_data()
    )


# --- Emails: .ics of the participant, French times, recap ---------------------------------------------


def test_the_ics_of_a_participant_holds_only_their_days_with_a_vtimezone(
    referent_a, territory_a, send_outbox
):
    event = EventFactory()
    _day1, day2 = event.days.order_by("date")
    register(event, referent_a, [on_days(person(0, event), day2)], territory_a)
    confirmation = next(m for m in send_outbox() if m.to == ["personne0@pays.test"])
    _filename, content, mimetype = confirmation.attachments[0]
    assert mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    [timezone] = calendar.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Paris"
    events = calendar.walk("VEVENT")
    assert [e.decoded("dtstart").date() for e in events] == [day2.date]
    assert events[0]["DTSTART"].params["TZID"] == "Europe/Paris"
    assert events[0].decoded("dtstart").hour == 9
    # The QR code is attached too, as a PNG image.
    assert confirmation.attachments[1][0] == "code-qr.png"
    assert confirmation.attachments[1][1][:8] == b"\x89PNG\r\n\x1a\n"
    assert "9 h – 17 h 30" in confirmation.body


def test_the_public_ics_of_the_event_has_a_vtimezone(client):
    event = EventFactory()
    calendar = Calendar.from_ical(client.get(reverse("events:calendar", kwargs={"slug": event.slug})).content)
    assert calendar.walk("VTIMEZONE") and len(calendar.walk("VEVENT")) == 2


# --- Third-party registration, safely --------------------------------------------------------------------


def test_a_personal_registration_is_for_ones_own_address_only(client, referent_a):
    event = EventFactory()
    with pytest.raises(services.NotAllowed, match="que vous-même"):
        register(event, referent_a, [person(0, event, email="quelquun@ailleurs.test")])
    client.force_login(referent_a)
    data = {
        "territory": "",
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-first_name": "Jean",
        "participants-0-last_name": "Autre",
        "participants-0-email": "quelquun@ailleurs.test",
        "participants-0-function": "technicien",
        "participants-0-days": [str(event.days.first().pk)],
    }
    body = client.post(
        reverse("events:register", kwargs={"slug": event.slug}), data, follow=True
    ).content.decode()
    assert "que vous-même" in body and 'value="quelquun@ailleurs.test"' in body
    assert not Participant.objects.exists() and not OutboundEmail.objects.exists()


def _territory_post(event, territory, email):
    return {
        "territory": territory.pk,
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-first_name": "Camille",
        "participants-0-last_name": "Durand",
        "participants-0-email": email,
        "participants-0-function": "technicien",
        "participants-0-days": [str(d.pk) for d in event.days.all()],
    }


def test_an_already_registered_address_gets_the_same_answer_and_its_owner_a_message(
    client, referent_a, territory_a, send_outbox
):
    event = EventFactory()
    owner = UserFactory(email="camille@pays.test")
    register(event, owner, [person(0, event, email="camille@pays.test")])
    mail.outbox.clear()
    send_outbox()
    mail.outbox.clear()
    client.force_login(referent_a)
    url = reverse("events:register", kwargs={"slug": event.slug})

    def answer(email):
        response = client.post(url, _territory_post(event, territory_a, email))
        followed = client.get(response["Location"])
        messages = [str(m) for m in followed.context["messages"]]
        return response.status_code, response["Location"].rsplit("/", 2)[0], messages

    known = answer("camille@pays.test")
    new = answer("nouvelle@pays.test")
    assert known == new
    sent = send_outbox()
    to_owner = [m for m in sent if m.to == ["camille@pays.test"]]
    assert [m.subject for m in to_owner] == [f"[ANPP] Vous êtes déjà inscrit·e : {event.title}"]
    assert [m.subject.split(":")[0] for m in sent if m.to == ["nouvelle@pays.test"]] == [
        "[ANPP] Inscription confirmée "
    ]
    assert Participant.objects.filter(email="camille@pays.test").count() == 1


def test_a_person_registered_by_someone_else_can_decline_which_promotes_the_next(
    client, referent_a, territory_a, send_outbox
):
    event = EventFactory(capacity=1)
    outcome = register(event, referent_a, [person(0, event), person(1, event)], territory_a)
    named, waiting = outcome.confirmed[0], outcome.waiting[0]
    confirmation = next(m for m in send_outbox() if m.to == ["personne0@pays.test"])
    link = next(line for line in confirmation.body.splitlines() if "/evenements/desistement/" in line)
    path = "/" + link.split("/", 3)[3].strip()
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert "C'est noté" in response.content.decode()
    named.refresh_from_db()
    waiting.refresh_from_db()
    assert named.status == "cancelled" and waiting.status == "confirmed"
    assert any(m.to == ["personne1@pays.test"] and "place s'est libérée" in m.subject for m in send_outbox())
    # The link works once: the participation is cancelled and its secret gone.
    assert client.post(path).status_code == 404
    assert client.get("/evenements/desistement/1.faux:signature/").status_code == 404


def test_registrations_per_account_are_rate_limited(referent_a, territory_a, settings):
    settings.ANPP_RATE_LIMITS = {**settings.ANPP_RATE_LIMITS, "event_registration": "3/h/key"}
    event = EventFactory(capacity=None)
    for n in range(3):
        register(event, referent_a, [person(n, event)], territory_a)
    with pytest.raises(services.RateLimited):
        register(event, referent_a, [person(9, event)], territory_a)
    assert Participant.objects.count() == 3


def test_the_first_participants_function_is_not_chosen_in_advance(client, territory_a):
    person_a = MembershipFactory(territory=territory_a).user
    client.force_login(person_a)
    event = EventFactory()
    body = client.get(reverse("events:register", kwargs={"slug": event.slug})).content.decode()
    assert '<option value="" selected>Choisissez…</option>' in body
    assert "14:00" not in body
