"""Personal data of the events app, for a person's export and the erasure of their account."""

from .models import Participant, Registration
from .services import participant_anonymise


def personal_data(user) -> dict:
    return {
        "inscriptions_faites": [
            {
                "evenement": r.event.title,
                "territoire": r.territory.name if r.territory else None,
                "le": r.created_at.isoformat(),
            }
            for r in Registration.objects.filter(created_by=user).select_related("event", "territory")
        ],
        "participations": [
            {
                "evenement": p.event.title,
                "statut": p.get_status_display(),
                "fonction": p.get_function_display(),
                "regime_alimentaire": p.dietary_needs,
                "besoins_accessibilite": p.accessibility_needs,
                "presences": [a.day.date.isoformat() for a in p.attendances.select_related("day")],
            }
            for p in Participant.objects.filter(email__iexact=user.email).select_related("event")
        ],
    }


def erase(user) -> None:
    for participant in Participant.objects.filter(email__iexact=user.email):
        participant_anonymise(participant=participant)
    # The registrations outlive the account (SET_NULL); their audit trail must not keep its id either.
    Registration.history.filter(created_by=user).update(created_by=None)
