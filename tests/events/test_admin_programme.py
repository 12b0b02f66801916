"""Staff build an event's programme in the admin in one save: sites, days and sessions together;
a session is a plénière unless ticked as an atelier; a day's main site is one of the event's own."""

import datetime

import pytest
from django.urls import reverse

from events.models import Event, Session

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def _management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _event_form(**changes):
    data = {
        "kind": "rtpp",
        "title": "Rencontre exemple",
        "edition": "2019",
        "slug": "rencontre-exemple",
        "status": "draft",
        "registration_opens_at_0": "01/01/2019",
        "registration_opens_at_1": "09:00",
        "registration_closes_at_0": "01/03/2019",
        "registration_closes_at_1": "09:00",
        "cancellation_deadline_0": "01/03/2019",
        "cancellation_deadline_1": "09:00",
        "price_member": "0",
        "price_non_member": "0",
        "price_partner": "0",
        "reminder_offsets": "7, 1",
        **_management("sites", 2),
        "sites-0-name": "Salle des fêtes",
        "sites-0-address": "Place de la mairie",
        "sites-0-city": "Commune exemple",
        "sites-1-name": "Lycée agricole",
        "sites-1-address": "Route du lycée",
        "sites-1-city": "Commune exemple",
        **_management("days", 1),
        "days-0-date": "12/03/2019",
        "days-0-starts_at": "09:00",
        "days-0-ends_at": "17:30",
        **_management("sessions", 2),
        "sessions-0-day_date": "12/03/2019",
        "sessions-0-site_name": "Salle des fêtes",
        "sessions-0-starts_at": "09:30",
        "sessions-0-ends_at": "11:00",
        "sessions-0-title": "Plénière d'ouverture",
        "sessions-1-day_date": "12/03/2019",
        "sessions-1-site_name": "lycée agricole",
        "sessions-1-starts_at": "14:00",
        "sessions-1-ends_at": "16:00",
        "sessions-1-title": "Atelier exemple",
        "sessions-1-is_atelier": "on",
        "_save": "Enregistrer",
    }
    data.update(changes)
    return data


def test_sites_days_and_sessions_are_created_in_one_save_and_a_session_is_a_pleniere_by_default(
    client, staff
):
    client.force_login(staff)
    response = client.post(reverse("admin:events_event_add"), _event_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(slug="rencontre-exemple")
    assert event.reminder_offsets == [7, 1]
    sessions = {s.title: s for s in event.sessions.select_related("day", "site")}
    assert sessions["Plénière d'ouverture"].is_atelier is False
    assert sessions["Plénière d'ouverture"].site.name == "Salle des fêtes"
    assert (
        sessions["Atelier exemple"].is_atelier is True
        and sessions["Atelier exemple"].site.name == "Lycée agricole"
    )
    assert {s.day.date for s in sessions.values()} == {datetime.date(2019, 3, 12)}
    assert Session._meta.get_field("is_atelier").default is False


def test_a_session_on_a_day_or_site_the_event_does_not_have_is_refused_next_to_the_field(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:events_event_add"),
        _event_form(**{"sessions-0-day_date": "13/03/2019", "sessions-1-site_name": "Ailleurs"}),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ajoutez d&#x27;abord cette date aux journées de l&#x27;événement." in content
    assert "Ce lieu n&#x27;est pas l&#x27;un des lieux de l&#x27;événement." in content
    assert not Event.objects.filter(slug="rencontre-exemple").exists()


def test_typing_reminder_days_as_text_is_checked(client, staff):
    client.force_login(staff)
    response = client.post(reverse("admin:events_event_add"), _event_form(reminder_offsets="7, une semaine"))
    assert response.status_code == 200
    assert "« une » n&#x27;est pas un nombre entier de jours." in response.content.decode()


def test_a_days_main_site_is_chosen_among_the_events_own_sites_only(client, staff):
    event = EventFactory()
    other = EventFactory()
    client.force_login(staff)
    content = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    select = content[content.index('name="days-0-site"') :].split("</select>")[0]
    own = list(event.sites.all())
    assert all(f'value="{site.pk}"' in select for site in own)
    assert all(f'value="{site.pk}"' not in select for site in other.sites.all())
