"""Every state change of territories, memberships and invitations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anpp_portal.outbox import email_enqueue

from .models import Invitation, Role, Territory, TerritoryMembership, User
from .permissions import Action, can


class MembersError(Exception):
    """A rule of the members domain was broken; the message is shown to the person."""


class NotAllowed(MembersError):
    pass


class AlreadyMember(MembersError):
    pass


class InvitationUnusable(MembersError):
    pass


class LastReferent(MembersError):
    pass


def invitation_create(*, territory: Territory, email: str, role: str, invited_by: User) -> Invitation:
    """Invite ``email`` to act for ``territory``; replaces an earlier open invitation of that address."""
    if not can(invited_by, Action.MANAGE_PEOPLE, territory):
        raise NotAllowed("Seuls les référents du territoire peuvent inviter des personnes.")
    email = email.strip().lower()
    if TerritoryMembership.objects.filter(territory=territory, user__email__iexact=email).exists():
        raise AlreadyMember(f"{email} agit déjà pour {territory}.")
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            territory=territory, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation(
            territory=territory,
            email=email,
            role=role,
            key=secrets.token_urlsafe(32),
            invited_by=invited_by,
            expires_at=now + timedelta(days=settings.ANPP_INVITATION_VALID_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        email_enqueue(
            key=f"invitation:{invitation.pk}",
            to=email,
            template="members/email/invitation",
            context={"invitation": invitation, "url": settings.SITE_URL + invitation.get_absolute_url()},
        )
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> TerritoryMembership:
    """Attach ``user`` to the invitation's territory. An invitation works once, until it expires."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable():
            raise InvitationUnusable("Cette invitation a déjà été utilisée, a été annulée ou a expiré.")
        membership, created = TerritoryMembership.objects.get_or_create(
            user=user, territory=invitation.territory, defaults={"role": invitation.role}
        )
        if not created and invitation.role == Role.REFERENT and membership.role != Role.REFERENT:
            membership.role = Role.REFERENT
            membership.save(update_fields=["role"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    if not can(by, Action.MANAGE_PEOPLE, invitation.territory):
        raise NotAllowed("Seuls les référents du territoire peuvent annuler une invitation.")
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _lock_people_of(territory_id: int) -> None:
    """Changes to a territory's people are serialised on its row: two référents demoting each
    other at once must not leave the territory without one (and must not deadlock)."""
    Territory.objects.select_for_update().filter(pk=territory_id).first()


def _ensure_a_referent_remains(membership: TerritoryMembership) -> None:
    others = TerritoryMembership.objects.filter(
        territory_id=membership.territory_id, role=Role.REFERENT
    ).exclude(pk=membership.pk)
    if membership.role == Role.REFERENT and not others.exists():
        raise LastReferent("Le territoire doit garder au moins un référent.")


def membership_set_role(*, membership: TerritoryMembership, role: str, by: User) -> TerritoryMembership:
    if not can(by, Action.MANAGE_PEOPLE, membership.territory):
        raise NotAllowed("Seuls les référents du territoire peuvent changer les rôles.")
    with transaction.atomic():
        _lock_people_of(membership.territory_id)
        membership = TerritoryMembership.objects.get(pk=membership.pk)
        if role != Role.REFERENT:
            _ensure_a_referent_remains(membership)
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: TerritoryMembership, by: User) -> None:
    if not can(by, Action.MANAGE_PEOPLE, membership.territory) and by.pk != membership.user_id:
        raise NotAllowed("Seuls les référents du territoire peuvent retirer une personne.")
    with transaction.atomic():
        _lock_people_of(membership.territory_id)
        membership = TerritoryMembership.objects.get(pk=membership.pk)
        _ensure_a_referent_remains(membership)
        membership.delete()
