"""A person downloads everything the portal holds about them, and deletes their account."""

import json

import pytest
from django.urls import reverse

from anpp_portal.models import OutboundEmail
from members import services
from members.models import Role, TerritoryMembership, User

from .factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_person_downloads_their_data_as_json(client, territory_a, referent_a, send_outbox):
    services.invitation_create(
        territory=territory_a, email="collegue@pays-a.fr", role=Role.MEMBRE, invited_by=referent_a
    )
    client.force_login(referent_a)
    response = client.get(reverse("members:my_data"), {"format": "json"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["members"]["compte"]["email"] == referent_a.email
    assert data["members"]["territoires"][0]["territoire"] == territory_a.name
    assert data["members"]["invitations_envoyees"][0]["email"] == "collegue@pays-a.fr"


def test_a_person_deletes_their_account_with_their_password(client, territory_a, referent_a, send_outbox):
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    services.invitation_create(
        territory=territory_a, email="autre@pays-a.fr", role=Role.MEMBRE, invited_by=referent_a
    )
    client.force_login(colleague)
    refused = client.post(reverse("members:delete_account"), {"password": "mauvais", "confirm": "on"})
    assert refused.status_code == 400 and "Mot de passe incorrect." in refused.content.decode()
    assert User.objects.filter(pk=colleague.pk).exists()
    done = client.post(reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    assert not User.objects.filter(pk=colleague.pk).exists()
    assert not TerritoryMembership.objects.filter(user_id=colleague.pk).exists()
    assert "_auth_user_id" not in client.session


def test_the_last_referent_must_hand_over_before_deleting(client, territory_a, referent_a):
    client.force_login(referent_a)
    page = client.get(reverse("members:my_data")).content.decode()
    assert "seul référent de PETR du Pays A" in page
    response = client.post(
        reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"}, follow=True
    )
    assert "désignez d&#x27;abord un autre référent" in response.content.decode()
    assert User.objects.filter(pk=referent_a.pk).exists()


def test_emails_sent_to_a_deleted_account_keep_no_trace_of_it(client, territory_a, referent_a, send_outbox):
    colleague = MembershipFactory(territory=territory_a, role=Role.REFERENT).user
    OutboundEmail.objects.create(
        key="x", to=colleague.email, from_email="a@b.c", subject="Votre adhésion", body_text="Bonjour Paul"
    )
    client.force_login(colleague)
    client.post(reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"})
    email = OutboundEmail.objects.get(key="x")
    assert colleague.email not in email.to and "Paul" not in email.body_text


def test_the_export_includes_event_registrations_and_the_newsletter(client, referent_a):
    from events.models import Participant
    from publications.models import Subscriber

    from .events.factories import EventFactory, ParticipantFactory, RegistrationFactory

    event = EventFactory(title="RTPP 2018")
    ParticipantFactory(
        registration=RegistrationFactory(event=event, created_by=referent_a), email=referent_a.email
    )
    Subscriber.objects.create(email=referent_a.email, token="t-1")
    client.force_login(referent_a)
    data = json.loads(client.get(reverse("members:my_data"), {"format": "json"}).content)
    assert data["events"]["participations"][0]["evenement"] == "RTPP 2018"
    assert data["events"]["inscriptions_faites"][0]["evenement"] == "RTPP 2018"
    assert data["publications"]["abonnement_lettre"][0]["email"] == referent_a.email
    assert Participant.objects.count() == 1


def test_deleting_an_account_anonymises_its_participations_and_subscription(client, territory_a):
    from events.models import Participant
    from publications.models import Subscriber

    from .events.factories import EventFactory, ParticipantFactory, RegistrationFactory

    person = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    participant = ParticipantFactory(
        registration=RegistrationFactory(event=EventFactory(), created_by=person),
        email=person.email,
        dietary_needs="Sans gluten",
    )
    Subscriber.objects.create(email=person.email, token="t-2")
    client.force_login(person)
    assert (
        client.post(reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"}).status_code
        == 302
    )
    participant = Participant.objects.get(pk=participant.pk)  # kept for the event's figures
    assert participant.email.endswith("@anonyme.invalid") and participant.first_name == "Anonyme"
    assert participant.dietary_needs == "" and participant.registration.created_by is None
    assert not Subscriber.objects.filter(email__iexact=person.email).exists()


def test_deleting_an_account_leaves_no_trace_of_it_in_the_registrations_audit_trail(client, territory_a):
    from events import services as events_services
    from events.models import Participant, Registration

    from .events.factories import EventFactory
    from .events.helpers import person as participant_data

    person = MembershipFactory(territory=territory_a, role=Role.REFERENT).user
    MembershipFactory(territory=territory_a, role=Role.REFERENT)  # another référent takes over
    event = EventFactory()
    data = participant_data(0, event, email=person.email)
    data.dietary_needs = "Sans gluten"
    outcome = events_services.registration_create(
        event=event, by=person, territory=territory_a, participants=[data]
    )
    client.force_login(person)
    response = client.post(reverse("members:delete_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302

    participant = outcome.confirmed[0]
    history = Participant.history.get(id=participant.pk)
    assert history.email == f"participant-{participant.pk}@anonyme.invalid"
    assert history.first_name == "Anonyme" and history.dietary_needs == ""
    assert history.history_user is None  # history redacted: it no longer points to the account
    registration = Registration.history.get(id=outcome.registration.pk)
    assert registration.created_by_id is None and registration.history_user_id is None


def test_participants_of_old_events_are_anonymised_by_the_retention_task(settings):
    import datetime

    from events import services as events_services
    from events.models import Participant

    from .events.factories import EventFactory, ParticipantFactory, RegistrationFactory

    settings.ANPP_EVENT_RETENTION_DAYS = 365
    old = EventFactory()
    for offset, day in enumerate(old.days.order_by("date")):
        day.date = datetime.date(2018, 10, 8) + datetime.timedelta(days=offset)
        day.save()
    recent = EventFactory()
    kept = ParticipantFactory(registration=RegistrationFactory(event=recent))
    gone = ParticipantFactory(registration=RegistrationFactory(event=old), last_name="Lagarde")
    assert events_services.participants_anonymise_past() == 1
    assert events_services.participants_anonymise_past() == 0
    assert Participant.objects.get(pk=gone.pk).last_name != "Lagarde"
    assert Participant.objects.get(pk=kept.pk).last_name == kept.last_name
    assert Participant.objects.filter(event=old).count() == 1  # the figures stay
