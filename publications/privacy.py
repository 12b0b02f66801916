"""Personal data of the publications app: a newsletter subscription."""

from .models import Subscriber
from .services import subscriber_anonymise


def personal_data(user) -> dict:
    return {
        "abonnement_lettre": [
            {
                "email": s.email,
                "inscrit_le": s.created_at.isoformat(),
                "confirme_le": s.confirmed_at.isoformat() if s.confirmed_at else None,
                "desinscrit_le": s.unsubscribed_at.isoformat() if s.unsubscribed_at else None,
            }
            for s in Subscriber.objects.filter(email__iexact=user.email)
        ]
    }


def erase(user) -> None:
    for subscriber in Subscriber.objects.filter(email__iexact=user.email):
        subscriber_anonymise(subscriber=subscriber)
