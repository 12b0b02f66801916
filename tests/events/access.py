"""How the events app's URLs name a territory's data, for tests/test_territory_isolation.py."""

from events.models import Participant

from .factories import EventFactory, ParticipantFactory, RegistrationFactory


def territory_objects(territory) -> dict:
    """A registration of ``territory`` (a delegation of two) to an event open to everyone."""
    event = EventFactory(slug=f"rencontres-{territory.slug}")
    registration = RegistrationFactory(event=event, territory=territory)
    first = ParticipantFactory(registration=registration)
    ParticipantFactory(registration=registration)
    return {"event": event, "registration": registration, "participant": first, "day": event.days.first()}


def _participant_variants(own, other):
    return [
        {"pk": other["registration"].pk, "participant_pk": other["participant"].pk},
        # The own registration with the other's participant: the participant must be looked up
        # inside the registration, not on its own.
        {"pk": own["registration"].pk, "participant_pk": other["participant"].pk},
    ]


TERRITORY_URLS = {
    "events:registration": lambda own, other: [{"pk": other["registration"].pk}],
    "events:participant_change": _participant_variants,
    "events:participant_cancel": _participant_variants,
}

_STAFF_ONLY = "ANPP staff only (staff_member_required): everyone else is sent to the admin login"
OTHER_URLS = {
    "events:detail": "an event's public page, by its slug; it names no territory's data",
    "events:calendar": "an event's public .ics file, by its slug",
    "events:register": "registering to a public event; the form only offers the person's own territories "
    "and the service checks the territory again (members.permissions)",
    "events:staff_participants": _STAFF_ONLY,
    "events:checkin": _STAFF_ONLY,
    "events:checkin_day": _STAFF_ONLY,
    "events:checkin_scan": _STAFF_ONLY,
    "events:checkin_mark": _STAFF_ONLY,
    "events:decline": "the link of the email of a person registered by someone else: its signed token "
    "is the credential, for that one participant; an unknown or revoked token is a 404",
    "events:statistics": _STAFF_ONLY,
    "events:badges": _STAFF_ONLY,
    "events:signin_sheets": _STAFF_ONLY,
}


def check_unchanged(other) -> None:
    """After every forbidden request, the other territory's participants are all still confirmed."""
    statuses = set(other["registration"].participants.values_list("status", flat=True))
    assert statuses == {Participant.Status.CONFIRMED}
