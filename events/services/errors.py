"""The events app's refusals, and who counts as ANPP staff for its services."""

from django.utils.translation import gettext as _

from anpp_portal.staffpolicy import acts_as_staff


class EventsError(Exception):
    """A domain error; its message is French and shown to the person as it is."""


class RegistrationClosed(EventsError):
    pass


class NotAllowed(EventsError):
    pass


class AlreadyRegistered(EventsError):
    pass


class InvalidChoice(EventsError):
    pass


class DelegationSize(EventsError):
    pass


class RateLimited(EventsError):
    pass


# What a staff account needs to register others as ANPP staff: third parties' delegations without a
# territory, events reserved to members, no hourly cap (anpp_portal/staffpolicy.py).
STAFF_REGISTERS = "events.add_registration"


# Checking people in at the door is a write: staff holding only view permissions do not.
STAFF_CHECKS_IN = "events.change_participant"


def _require_staff(by, permission: str) -> None:
    if not acts_as_staff(by, permission):
        raise NotAllowed(_("Réservé à l'équipe de l'ANPP."))
