"""The one reminder mechanism of the members app (adhésions, fiches de renseignements).

A reminder is an outbox email whose key names what it is about, its kind, its step and its
recipient; recording it is what makes it exist once. A second beat, a retried task or a run after a
crash records nothing more, and a reminder recorded just before a crash is delivered by the outbox
relay. When several steps fell due while nothing ran, only the latest is sent.
"""

from datetime import date, timedelta

from anpp_portal.outbox import QueuedEmail, emails_enqueue_many

from ..models import Role, TerritoryMembership, User


def latest_due_step(start: date, days: list[int], today: date) -> int | None:
    due = [int(d) for d in days if start + timedelta(days=int(d)) <= today]
    return max(due) if due else None


def referents_by_territory(territory_ids) -> dict[int, list[User]]:
    referents: dict[int, list[User]] = {}
    for membership in TerritoryMembership.objects.filter(
        territory_id__in=territory_ids, role=Role.REFERENT, user__is_active=True
    ).select_related("user"):
        referents.setdefault(membership.territory_id, []).append(membership.user)
    return referents


class ReminderBatch:
    """The reminders of one run: ``add`` each one due, then ``record`` them all at once, which skips
    the keys already recorded and returns how many were new."""

    def __init__(self):
        self.emails: list[QueuedEmail] = []

    def add(self, *, key: str, user: User, template: str, context: dict) -> None:
        self.emails.append(
            QueuedEmail(key=key, to=user.email, template=template, context={**context, "user": user})
        )

    def add_address(self, *, key: str, email: str, name: str, template: str, context: dict) -> None:
        """A recipient without an account (an adhésion's billing contact)."""
        self.emails.append(
            QueuedEmail(
                key=key, to=email, template=template, context={**context, "user": {"first_name": name}}
            )
        )

    def record(self) -> int:
        return emails_enqueue_many(self.emails)
