import re
from datetime import timedelta

import pytest
from django.utils import timezone

from anpp_portal.models import OutboundEmail
from members import services
from members.models import Invitation, Role, TerritoryMembership
from members.permissions import Action, can, get_territory_for

from ..factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_referent_invites_a_colleague_and_the_email_carries_a_working_link(
    territory_a, referent_a, send_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            territory=territory_a, email="Colleague@Pays-A.fr", role=Role.MEMBRE, invited_by=referent_a
        )
    assert invitation.email == "colleague@pays-a.fr"
    sent = send_outbox()
    assert [m.to for m in sent] == [["colleague@pays-a.fr"]]
    assert territory_a.name in sent[0].subject
    key = re.search(r"/invitation/([^/\s]+)/", sent[0].body).group(1)
    assert services.invitation_find(key) == invitation
    # Only the key's hash is stored, and the sent email no longer holds the link.
    assert key not in invitation.key_hash
    assert key not in OutboundEmail.objects.get(key=f"invitation:{invitation.pk}").body_text


def test_the_invitation_email_is_enqueued_once_even_if_delivery_runs_twice(
    territory_a, referent_a, send_outbox
):
    services.invitation_create(
        territory=territory_a, email="x@pays-a.fr", role=Role.MEMBRE, invited_by=referent_a
    )
    assert len(send_outbox()) == 1
    assert len(send_outbox()) == 1


def test_a_plain_member_cannot_invite(territory_a):
    member = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    with pytest.raises(services.NotAllowed):
        services.invitation_create(
            territory=territory_a, email="x@pays-a.fr", role=Role.MEMBRE, invited_by=member
        )


def test_inviting_someone_already_in_the_territory_is_refused(territory_a, referent_a):
    with pytest.raises(services.AlreadyMember):
        services.invitation_create(
            territory=territory_a, email=referent_a.email.upper(), role=Role.MEMBRE, invited_by=referent_a
        )


def test_inviting_the_same_address_again_replaces_the_open_invitation(territory_a, referent_a):
    first = services.invitation_create(
        territory=territory_a, email="x@pays-a.fr", role=Role.MEMBRE, invited_by=referent_a
    )
    second = services.invitation_create(
        territory=territory_a, email="x@pays-a.fr", role=Role.REFERENT, invited_by=referent_a
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert list(Invitation.objects.pending()) == [second]


def test_an_invitation_attaches_the_account_once_and_only_once(territory_a):
    invitation = InvitationFactory(territory=territory_a, role=Role.REFERENT)
    user = UserFactory(email=invitation.email)
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert membership.territory == territory_a and membership.role == Role.REFERENT
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(invitation=invitation, user=UserFactory())
    assert TerritoryMembership.objects.filter(territory=territory_a).count() == 1


def test_an_invitation_only_works_for_the_address_it_was_sent_to(territory_a):
    invitation = InvitationFactory(territory=territory_a, email="destinataire@pays-a.fr")
    with pytest.raises(services.InvitationForSomeoneElse) as error:
        services.invitation_accept(invitation=invitation, user=UserFactory(email="autre@ailleurs.fr"))
    assert "destinataire@pays-a.fr" in str(error.value)
    unverified = UserFactory(email="destinataire@pays-a.fr", verified_email=False)
    with pytest.raises(services.InvitationForSomeoneElse):
        services.invitation_accept(invitation=invitation, user=unverified)
    invitation.refresh_from_db()
    assert invitation.is_usable()


def test_an_expired_invitation_cannot_be_accepted(territory_a):
    invitation = InvitationFactory(territory=territory_a, expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(invitation=invitation, user=UserFactory())


def test_a_revoked_invitation_cannot_be_accepted(territory_a, referent_a):
    invitation = InvitationFactory(territory=territory_a)
    services.invitation_revoke(invitation=invitation, by=referent_a)
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(invitation=invitation, user=UserFactory())


def test_a_member_invited_as_referent_is_promoted(territory_a):
    membership = MembershipFactory(territory=territory_a, role=Role.MEMBRE)
    invitation = InvitationFactory(territory=territory_a, role=Role.REFERENT, email=membership.user.email)
    assert services.invitation_accept(invitation=invitation, user=membership.user).role == Role.REFERENT


def test_the_last_referent_can_neither_be_demoted_nor_removed(territory_a, referent_a):
    membership = referent_a.memberships.get()
    with pytest.raises(services.LastReferent):
        services.membership_set_role(membership=membership, role=Role.MEMBRE, by=referent_a)
    with pytest.raises(services.LastReferent):
        services.membership_remove(membership=membership, by=referent_a)


def test_a_referent_manages_the_people_of_the_territory(territory_a, referent_a):
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE)
    assert (
        services.membership_set_role(membership=colleague, role=Role.REFERENT, by=referent_a).role
        == Role.REFERENT
    )
    services.membership_remove(membership=colleague, by=referent_a)
    assert not TerritoryMembership.objects.filter(pk=colleague.pk).exists()


def test_a_referent_of_another_territory_cannot_manage_people_here(territory_a, referent_b):
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE)
    with pytest.raises(services.NotAllowed):
        services.membership_remove(membership=colleague, by=referent_b)


def test_permissions_follow_the_role_and_staff_may_do_everything(territory_a, territory_b, referent_a, staff):
    member = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    assert can(referent_a, Action.MANAGE_PEOPLE, territory_a)
    assert can(member, Action.VIEW, territory_a) and can(member, Action.ACT, territory_a)
    assert not can(member, Action.MANAGE_PEOPLE, territory_a)
    assert not can(referent_a, Action.VIEW, territory_b)
    assert can(staff, Action.MANAGE_PEOPLE, territory_b)
    inactive = MembershipFactory(territory=territory_a, role=Role.REFERENT, user__is_active=False).user
    assert not can(inactive, Action.VIEW, territory_a)


def test_another_territory_is_a_404_not_a_403(territory_b, referent_a):
    from django.http import Http404

    with pytest.raises(Http404):
        get_territory_for(referent_a, territory_b.slug)
