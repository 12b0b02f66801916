import datetime
import re

import pytest
from django.urls import reverse

from events import services
from events.models import Event, Participant

from ..factories import MembershipFactory
from ..members.adhesion_factories import make_member
from .factories import EventFactory, ParticipantFactory, RegistrationFactory, add_atelier
from .helpers import person

pytestmark = pytest.mark.django_db


def _formset_data(event, people, territory=None, ateliers_by_day=None):
    data = {
        "territory": territory.pk if territory else "",
        "participants-TOTAL_FORMS": str(len(people)),
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "1",
        "participants-MAX_NUM_FORMS": "50",
    }
    days = list(event.days.order_by("date"))
    for i, (first, last, email) in enumerate(people):
        data.update(
            {
                f"participants-{i}-first_name": first,
                f"participants-{i}-last_name": last,
                f"participants-{i}-email": email,
                f"participants-{i}-function": "elu",
                f"participants-{i}-days": [str(d.pk) for d in days],
            }
        )
        for day_pk, sessions in (ateliers_by_day or {}).items():
            data[f"participants-{i}-ateliers_{day_pk}"] = [str(s.pk) for s in sessions]
    return data


def _events(n):
    for i in range(n):
        event = EventFactory(slug=f"evenement-{i}")
        add_atelier(event, capacity=5)
        ParticipantFactory(registration=RegistrationFactory(event=event))


@pytest.mark.parametrize("size", [1, 8])
def test_the_events_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    _events(size)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == size


@pytest.mark.parametrize("size", [1, 30])
def test_the_event_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    event = EventFactory(capacity=100)
    for i in range(size):
        add_atelier(event, capacity=10, title=f"Atelier {i}")
    for _ in range(size):
        ParticipantFactory(registration=RegistrationFactory(event=event))
    with django_assert_max_num_queries(6):
        response = client.get(event.get_absolute_url())
    body = response.content.decode()
    assert f"{100 - size} places restantes" in body
    assert "Atelier 0" in body


@pytest.mark.parametrize("size", [2, 40])
def test_the_staff_participant_list_runs_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries, size
):
    event = EventFactory(capacity=100)
    atelier = add_atelier(event)
    services.registration_create(
        event=event, by=staff, participants=[person(i, event, sessions=[atelier]) for i in range(size)]
    )
    client.force_login(staff)
    # 10, and the staff account's permissions (its own and its group's: staff are not superusers).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:staff_participants", kwargs={"slug": event.slug}))
    assert response.content.decode().count("<tr>") == size + 1


def test_the_event_page_shows_french_dates_and_the_programme_by_day(client):
    event = EventFactory(with_days=False)
    from events.models import EventDay, Site

    site = Site.objects.create(
        event=event, name="Lycée agricole", address="Route de Condom", city="Fleurance"
    )
    day = EventDay.objects.create(event=event, date="2018-09-25", site=site)
    add_atelier(event, day=day, title="Atelier alimentation")
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Mardi 25 septembre 2018" in body
    assert "Atelier alimentation" in body and "Lycée agricole" in body


def test_a_draft_event_is_a_404_for_the_public(client):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404


def test_the_ics_of_an_event_lists_its_days(client):
    event = EventFactory()
    response = client.get(reverse("events:calendar", kwargs={"slug": event.slug}))
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content.count(b"BEGIN:VEVENT") == 2


def test_a_referent_registers_a_delegation_with_ateliers_per_day(
    client, referent_a, territory_a, send_outbox
):
    make_member(territory_a)
    event = EventFactory(capacity=2)
    day1, day2 = event.days.order_by("date")
    a1 = add_atelier(event, day=day1, title="Atelier jour 1")
    a2 = add_atelier(event, day=day2, title="Atelier jour 2")
    client.force_login(referent_a)
    people = [
        ("Anne", "Rivière", "anne@pays.test"),
        ("Paul", "Fabre", "paul@pays.test"),
        ("Léa", "Roux", "lea@pays.test"),
    ]
    response = client.post(
        reverse("events:register", kwargs={"slug": event.slug}),
        _formset_data(event, people, territory_a, {day1.pk: [a1], day2.pk: [a2]}),
        follow=True,
    )
    # For a territory, the answer names how many people were named, not who got a seat (that would
    # tell whether an address was already registered); each person and the registrant get an email.
    assert "Inscription enregistrée pour 3 personne(s)" in response.content.decode()
    assert Participant.objects.get(email="lea@pays.test").status == "waiting"
    sent = send_outbox()
    confirmation = next(m for m in sent if m.to == ["anne@pays.test"])
    assert [a[0] for a in confirmation.attachments] == [f"{event.slug}.ics", "code-qr.png"]
    assert "Montant total dû pour l'inscription (2 participant(s) confirmé(s)) : 80 €" in confirmation.body
    recap = next(m for m in sent if m.to == [referent_a.email])
    assert recap.subject.startswith("[ANPP] Récapitulatif de votre inscription")
    assert "Léa Roux" in recap.body and "Liste d'attente (rang 1)" in recap.body
    assert "Montant total dû pour les participants confirmés : 80 €" in recap.body


def test_bad_input_keeps_what_was_typed_and_says_why_in_french(client, referent_a, territory_a):
    event = EventFactory()
    day1, day2 = event.days.order_by("date")
    atelier = add_atelier(event, day=day2)
    client.force_login(referent_a)
    data = _formset_data(event, [("Anne", "Rivière", "pas-une-adresse")], territory_a)
    data["participants-0-days"] = [str(day1.pk)]
    data[f"participants-0-ateliers_{day2.pk}"] = [str(atelier.pk)]
    response = client.post(reverse("events:register", kwargs={"slug": event.slug}), data, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in body
    assert "a lieu un jour non choisi" in body
    assert 'value="Rivière"' in body and 'value="pas-une-adresse"' in body


@pytest.mark.parametrize("count", [0, 500])
def test_a_delegation_of_zero_or_five_hundred_is_refused_without_a_500(
    client, referent_a, territory_a, count
):
    event = EventFactory()
    client.force_login(referent_a)
    data = _formset_data(event, [(f"P{i}", f"N{i}", f"p{i}@pays.test") for i in range(min(count, 3))])
    data["participants-TOTAL_FORMS"] = str(count)
    response = client.post(reverse("events:register", kwargs={"slug": event.slug}), data, follow=True)
    assert response.status_code == 200
    assert re.search(r"au (moins|plus) (un|\d+) (participant|formulaire)", response.content.decode())
    assert not Participant.objects.exists()


def test_registering_oneself_twice_and_a_closed_event_are_explained(client, territory_a):
    person_a = MembershipFactory(territory=territory_a, user__email="anne@pays.test").user
    event = EventFactory()
    client.force_login(person_a)
    url = reverse("events:register", kwargs={"slug": event.slug})
    client.post(url, _formset_data(event, [("Anne", "R", "anne@pays.test")]))
    body = client.post(
        url, _formset_data(event, [("Anne", "R", "ANNE@pays.test")]), follow=True
    ).content.decode()
    # One's own address: nothing to hide.
    assert "Déjà inscrit à cet événement : anne@pays.test" in body
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    body = client.post(
        url, _formset_data(event, [("Anne", "R", "anne@pays.test")]), follow=True
    ).content.decode()
    assert "ne sont pas ouvertes" in body


def test_adding_a_participant_row_keeps_what_was_typed(client, referent_a):
    event = EventFactory()
    client.force_login(referent_a)
    data = _formset_data(event, [("Anne", "Rivière", "anne@pays.test")])
    data["add"] = "1"
    body = client.post(
        reverse("events:register", kwargs={"slug": event.slug}), data, follow=True
    ).content.decode()
    assert 'value="Rivière"' in body
    assert "Participant 2" in body
    assert not Participant.objects.exists()


def test_a_colleague_of_the_territory_sees_changes_and_cancels_the_delegation(
    client, referent_a, territory_a
):
    event = EventFactory(capacity=1)
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(0, event), person(1, event)]
    )
    colleague = MembershipFactory(territory=territory_a).user
    client.force_login(colleague)
    assert "Nom0" in client.get(reverse("events:my_registrations")).content.decode()
    registration_url = reverse("events:registration", kwargs={"pk": outcome.registration.pk})
    participant = outcome.confirmed[0]
    keys = {"pk": outcome.registration.pk, "participant_pk": participant.pk}
    # The colleague changes what the référent typed…
    change_url = reverse("events:participant_change", kwargs=keys)
    assert client.get(change_url).status_code == 200
    response = client.post(
        change_url, {"days": [str(d.pk) for d in event.days.all()], "dietary_needs": "Sans gluten"}
    )
    assert response.status_code == 302 and response["Location"] == registration_url
    participant.refresh_from_db()
    assert participant.dietary_needs == "Sans gluten"
    # …then cancels the participation, through its confirmation page: the seat goes to the first on
    # the waiting list.
    cancel_url = reverse("events:participant_cancel", kwargs=keys)
    confirmation = client.get(cancel_url)
    assert confirmation.status_code == 200 and "Ce qui va se passer" in confirmation.content.decode()
    assert Participant.objects.get(last_name="Nom1").status == "waiting"  # the page alone changes nothing
    response = client.post(cancel_url, follow=True)
    assert response.redirect_chain == [(registration_url, 302)]
    assert "Participation de Prénom0 Nom0 annulée." in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == "cancelled"
    assert Participant.objects.get(last_name="Nom1").status == "confirmed"


def test_a_change_of_ateliers_is_saved(client, referent_a, territory_a):
    event = EventFactory()
    day1 = event.days.order_by("date").first()
    atelier = add_atelier(event, day=day1)
    participant = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(0, event)]
    ).confirmed[0]
    client.force_login(referent_a)
    url = reverse(
        "events:participant_change",
        kwargs={"pk": participant.registration_id, "participant_pk": participant.pk},
    )
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "days": [str(d.pk) for d in event.days.all()],
            f"ateliers_{day1.pk}": [str(atelier.pk)],
            "dietary_needs": "végétarien",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.dietary_needs == "végétarien"
    assert participant.session_choices.get().session == atelier


@pytest.mark.parametrize("size", [1, 12])
def test_my_registrations_and_the_form_run_a_fixed_number_of_queries(
    client, referent_a, territory_a, django_assert_max_num_queries, size
):
    event = EventFactory(capacity=100)
    atelier = add_atelier(event)
    for i in range(size):
        services.registration_create(
            event=event,
            by=referent_a,
            territory=territory_a,
            participants=[person(i * 3 + k, event, sessions=[atelier]) for k in range(3)],
        )
    client.force_login(referent_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:my_registrations"))
    assert response.content.decode().count("<li>") >= 3 * size
    data = _formset_data(event, [(f"P{i}", "N", f"n{i}@pays.test") for i in range(size)])
    data["add"] = "1"
    url = reverse("events:register", kwargs={"slug": event.slug})
    with django_assert_max_num_queries(12):
        assert client.post(url, data)["Location"] == url
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert f"Participant {size + 1}" in response.content.decode()


def test_the_list_names_each_kind_puts_past_editions_apart_without_seats_and_says_free(client):
    import datetime as dt

    today = dt.date.today()
    past = EventFactory(
        kind=Event.Kind.CNPP, title="Conférence passée", capacity=200, status=Event.Status.CLOSED
    )
    for offset, day in enumerate(past.days.order_by("date")):
        day.date = today - dt.timedelta(days=400 - offset)
        day.save()
    upcoming = EventFactory(kind=Event.Kind.EGPP, title="États généraux à venir", capacity=200)
    upcoming.price_member = upcoming.price_non_member = upcoming.price_partner = 0
    upcoming.save()
    text = client.get(reverse("events:list")).content.decode()
    upcoming_part, past_part = text.split("Éditions passées")
    assert "États généraux à venir" in upcoming_part and ">EGPP</abbr>" in upcoming_part
    assert "Gratuit" in upcoming_part and "0 €" not in upcoming_part
    assert "200 places restantes" in upcoming_part
    assert "Conférence passée" in past_part and ">CNPP</abbr>" in past_part
    assert "place" not in past_part.split("</main>")[0] and "€" not in past_part.split("</main>")[0]

    detail = client.get(past.get_absolute_url()).content.decode()
    assert "Cette édition a eu lieu" in detail and "places restantes" not in detail and "€" not in detail
    free = client.get(upcoming.get_absolute_url()).content.decode()
    assert "Gratuit." in free and "0 € ·" not in free


def test_a_category_that_pays_nothing_says_so_instead_of_zero_euros(client):
    event = EventFactory(title="Rencontre payante")  # 40 € and 80 €, partners free
    text = client.get(reverse("events:list")).content.decode()
    assert "territoire adhérent 40 € · non adhérent 80 € · partenaire gratuit" in text
    assert "0 €" not in client.get(event.get_absolute_url()).content.decode().replace("40 €", "").replace(
        "80 €", ""
    )


def test_a_participants_ateliers_read_in_the_order_of_the_programme(client, referent_a, territory_a):
    event = EventFactory(capacity=10)
    afternoon = add_atelier(event, title="Atelier après déjeuner")
    morning = add_atelier(event, title="Atelier du matin")
    type(afternoon).objects.filter(pk=afternoon.pk).update(
        starts_at=datetime.time(14, 0), ends_at=datetime.time(15, 30)
    )
    type(morning).objects.filter(pk=morning.pk).update(
        starts_at=datetime.time(9, 30), ends_at=datetime.time(11, 0)
    )
    afternoon.refresh_from_db()
    morning.refresh_from_db()
    outcome = services.registration_create(
        event=event,
        by=referent_a,
        territory=territory_a,
        participants=[person(0, event, sessions=[afternoon, morning])],
    )
    client.force_login(referent_a)
    body = client.get(outcome.registration.get_absolute_url()).content.decode()
    assert body.index("9 h 30 : Atelier du matin") < body.index("14 h : Atelier après déjeuner")
