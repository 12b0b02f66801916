"""Issue 27, point 7, on the events side: check-in search with or without accents, no page of the
registration's history answers a POST (Back never shows ERR_CACHE_MISS), an over-long name refused
in French instead of cut, and a cancelled participant is not told an amount is due."""

import pytest
from django.core import mail
from django.urls import reverse

from events import services
from events.models import Participant

from .factories import EventFactory
from .helpers import person
from .test_views import _formset_data

pytestmark = pytest.mark.django_db


def _register(event, by, territory, names):
    people = []
    for n, (first, last) in enumerate(names):
        data = person(n, event)
        data.first_name, data.last_name = first, last
        people.append(data)
    return services.registration_create(event=event, by=by, territory=territory, participants=people)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("soule", {"Léa", "Marc"}),
        ("Soulé", {"Léa", "Marc"}),
        ("SOULE", {"Léa", "Marc"}),
        ("lea soule", {"Léa"}),
        ("Léa", {"Léa"}),
        ("coeur", {"Anne"}),
    ],
)
def test_the_check_in_search_finds_a_name_with_or_without_its_accents(
    client, staff, territory_a, query, expected
):
    event = EventFactory(capacity=10)
    _register(event, staff, territory_a, [("Léa", "Soulé"), ("Marc", "Soulé"), ("Anne", "Cœur")])
    client.force_login(staff)
    url = reverse("events:checkin_day", kwargs={"slug": event.slug, "day_pk": event.days.first().pk})
    body = client.get(url, {"q": query}).content.decode()
    assert {name for name in ("Léa", "Marc", "Anne") if name in body} == expected


def test_every_post_of_the_registration_form_answers_with_a_redirect_and_the_input_comes_back(
    client, referent_a, territory_a
):
    event = EventFactory()
    client.force_login(referent_a)
    url = reverse("events:register", kwargs={"slug": event.slug})
    data = _formset_data(event, [("Anne", "Rivière", "anne@pays.test")], territory_a)
    data["add"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert 'value="Rivière"' in page and "Participant 2" in page
    # A refused POST too: the errors and the typed values come back with the GET.
    data.pop("add")
    data["participants-0-email"] = "pas-une-adresse"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert 'value="pas-une-adresse"' in page and 'class="errorlist' in page
    # Once registered, the form is empty again.
    data["participants-0-email"] = "anne@pays.test"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] != url
    assert Participant.objects.filter(email="anne@pays.test").exists()
    assert 'value="Rivière"' not in client.get(url).content.decode()


def test_a_name_of_two_thousand_characters_is_refused_in_french_not_cut(client, referent_a, territory_a):
    event = EventFactory()
    client.force_login(referent_a)
    url = reverse("events:register", kwargs={"slug": event.slug})
    page = client.get(url).content.decode()
    assert 'maxlength="150"' not in page  # a browser would cut a pasted name without a word
    data = _formset_data(event, [("A" * 2000, "Rivière", "anne@pays.test")], territory_a)
    body = client.post(url, data, follow=True).content.decode()
    assert "Ce nom est trop long : 150 caractères au plus (vous en avez saisi 2\u202f000)." in body or (
        "Ce nom est trop long : 150 caractères au plus (vous en avez saisi 2\xa0000)." in body
    )
    assert "A" * 2000 in body
    assert not Participant.objects.exists()


def test_the_cancellation_email_says_nothing_is_due(territory_a, referent_a, send_outbox):
    event = EventFactory(capacity=10)
    outcome = services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(1, event)]
    )
    participant = outcome.confirmed[0]
    send_outbox()
    confirmation = [m for m in mail.outbox if m.to == [participant.email]][-1]
    assert "Montant dû pour ce participant" in confirmation.body
    mail.outbox.clear()
    services.participant_cancel(participant=participant, by=referent_a)
    send_outbox()
    cancellation = [m for m in mail.outbox if m.to == [participant.email]][-1]
    assert "annulée" in cancellation.body
    assert "Montant dû" not in cancellation.body and "Montant total dû" not in cancellation.body
    assert "Rien n'est dû pour ce participant." in cancellation.body
    assert "Me désister" not in cancellation.body
    html = cancellation.alternatives[0][0]
    assert "Montant dû" not in html
