"""Reads that span relations; views and templates get their data from here."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import Invitation, Territory, TerritoryMembership


def user_needs_mfa_reminder(user) -> bool:
    """ANPP staff are asked to enable two-factor authentication until they have."""
    if not user.is_staff:
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def memberships_of_territory(territory: Territory) -> QuerySet[TerritoryMembership]:
    return territory.memberships.select_related("user").order_by("user__last_name", "user__first_name")


def pending_invitations_of_territory(territory: Territory) -> QuerySet[Invitation]:
    return territory.invitations.pending().select_related("invited_by").order_by("-created_at")


def territories_of_user_with_people(user) -> list[TerritoryMembership]:
    """The user's memberships with each territory's people and pending invitations, in 4 queries."""
    now = timezone.now()
    return list(
        TerritoryMembership.objects.filter(user=user)
        .select_related("territory")
        .prefetch_related(
            Prefetch(
                "territory__memberships",
                queryset=TerritoryMembership.objects.select_related("user").order_by(
                    "user__last_name", "user__first_name"
                ),
            ),
            Prefetch(
                "territory__invitations",
                queryset=Invitation.objects.pending(now).order_by("-created_at"),
                to_attr="pending_invitations",
            ),
        )
        .order_by("territory__name")
    )
