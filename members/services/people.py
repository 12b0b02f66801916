"""Every state change of territories, memberships and invitations."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anpp_portal import pagecache
from anpp_portal.errors import Refused
from anpp_portal.outbox import email_enqueue

from ..models import Invitation, Role, Territory, TerritoryMembership, User
from ..permissions import Action, can


class MembersError(Refused):
    """A rule of the members domain was broken; the message is shown to the person."""


class NotAllowed(MembersError):
    pass


class AlreadyMember(MembersError):
    pass


class InvitationUnusable(MembersError):
    pass


class LastReferent(MembersError):
    pass


class InvitationForSomeoneElse(MembersError):
    pass


def invitation_url(key: str) -> str:
    return settings.SITE_URL + reverse("members:invitation", kwargs={"key": key})


def invitation_find(key: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("territory", "invited_by")
        .filter(key_hash=Invitation.hash_key(key))
        .first()
    )


def invitation_create(
    *,
    territory: Territory,
    email: str,
    role: str,
    invited_by: User,
    template: str = "members/email/invitation",
    context: dict | None = None,
) -> Invitation:
    """Invite ``email`` to act for ``territory``; replaces an earlier open invitation of that address.

    The link's key exists only in the email; the invitation keeps its hash. ``template`` and
    ``context``: another wording of the email (a join request approved).
    """
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
        key = secrets.token_urlsafe(32)
        invitation = Invitation(
            territory=territory,
            email=email,
            role=role,
            key_hash=Invitation.hash_key(key),
            invited_by=invited_by,
            expires_at=now + timedelta(days=settings.ANPP_INVITATION_VALID_DAYS),
        )
        invitation.full_clean()
        invitation.save()
        email_enqueue(
            key=f"invitation:{invitation.pk}",
            to=email,
            template=template,
            context={**(context or {}), "invitation": invitation, "url": invitation_url(key)},
            sensitive=True,
        )
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> TerritoryMembership:
    """Attach ``user`` to the invitation's territory. An invitation works once, until it expires,
    and only for an account with a verified address equal to the one it was sent to: a forwarded
    or leaked link is useless to anyone else."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable():
            raise InvitationUnusable("Cette invitation a déjà été utilisée, a été annulée ou a expiré.")
        if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
            raise InvitationForSomeoneElse(
                f"Cette invitation a été envoyée à {invitation.email}. Connectez-vous avec le compte de "
                "cette adresse, ou ajoutez-la à votre compte et confirmez-la, puis rouvrez le lien."
            )
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
    pagecache.invalidate("members")  # update() sends no post_save: the territory space lists invitations


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
    with transaction.atomic():
        _lock_people_of(membership.territory_id)
        # Checked under the lock: a référent demoted a moment ago can no longer act.
        if not can(by, Action.MANAGE_PEOPLE, membership.territory):
            raise NotAllowed("Seuls les référents du territoire peuvent changer les rôles.")
        membership = TerritoryMembership.objects.get(pk=membership.pk)
        if role != Role.REFERENT:
            _ensure_a_referent_remains(membership)
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: TerritoryMembership, by: User) -> None:
    with transaction.atomic():
        _lock_people_of(membership.territory_id)
        if not can(by, Action.MANAGE_PEOPLE, membership.territory) and by.pk != membership.user_id:
            raise NotAllowed("Seuls les référents du territoire peuvent retirer une personne.")
        membership = TerritoryMembership.objects.get(pk=membership.pk)
        _ensure_a_referent_remains(membership)
        membership.delete()
