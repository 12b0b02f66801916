import pytest
from django.urls import reverse

from members.models import Invitation, Role, TerritoryMembership

from ..factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    TerritoryFactory,
    UserFactory,
    invitation_path,
)

pytestmark = pytest.mark.django_db


def test_my_space_lists_the_territories_i_act_for_with_their_people(client, territory_a, referent_a):
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    InvitationFactory(territory=territory_a, email="en-attente@pays-a.fr")
    client.force_login(referent_a)
    response = client.get(reverse("members:space"))
    assert response.status_code == 200
    content = response.content.decode()
    assert territory_a.name in content
    assert colleague.last_name in content
    assert "en-attente@pays-a.fr" in content
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_my_space_makes_the_same_number_of_queries_for_1_or_10_territories(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    MembershipFactory(user=user)
    client.force_login(user)
    with django_assert_max_num_queries(8) as one:
        client.get(reverse("members:space"))
    for _ in range(9):
        territory = MembershipFactory(user=user).territory
        MembershipFactory.create_batch(3, territory=territory)
        InvitationFactory(territory=territory)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("members:space"))
    assert response.content.decode().count('class="panel"') == 10


def test_my_space_needs_a_login(client):
    response = client.get(reverse("members:space"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_referent_invites_from_the_territory_page(client, territory_a, referent_a, send_outbox):
    client.force_login(referent_a)
    response = client.post(territory_a.get_absolute_url(), {"email": "nouvelle@pays-a.fr", "role": "membre"})
    assert response.status_code == 302
    assert Invitation.objects.pending().get().email == "nouvelle@pays-a.fr"
    assert send_outbox()[0].to == ["nouvelle@pays-a.fr"]


def test_a_bad_invitation_is_refused_next_to_the_field_and_keeps_what_was_typed(
    client, territory_a, referent_a
):
    client.force_login(referent_a)
    response = client.post(territory_a.get_absolute_url(), {"email": "pas-une-adresse", "role": "referent"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Saisissez une adresse email valide" in content
    assert 'value="pas-une-adresse"' in content
    assert '<option value="referent" selected>' in content
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_shows_why_next_to_the_email(client, territory_a, referent_a):
    colleague = MembershipFactory(territory=territory_a).user
    client.force_login(referent_a)
    response = client.post(territory_a.get_absolute_url(), {"email": colleague.email, "role": "membre"})
    assert response.status_code == 200
    assert "agit déjà pour" in response.content.decode()


def test_a_plain_member_sees_the_territory_but_cannot_invite(client, territory_a):
    member = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    client.force_login(member)
    page = client.get(territory_a.get_absolute_url())
    assert page.status_code == 200 and "Inviter une personne" not in page.content.decode()
    assert (
        client.post(territory_a.get_absolute_url(), {"email": "x@y.fr", "role": "membre"}).status_code == 404
    )
    assert not Invitation.objects.exists()


def test_removing_the_last_referent_shows_a_message_and_changes_nothing(client, territory_a, referent_a):
    client.force_login(referent_a)
    membership = referent_a.memberships.get()
    response = client.post(
        reverse(
            "members:membership_remove", kwargs={"slug": territory_a.slug, "membership_pk": membership.pk}
        ),
        follow=True,
    )
    assert "au moins un référent" in response.content.decode()
    assert TerritoryMembership.objects.filter(pk=membership.pk).exists()


def test_an_invitation_followed_before_login_comes_back_after_login_and_attaches_the_account(
    client, territory_a
):
    invitation = InvitationFactory(territory=territory_a, key="une-cle-secrete")
    link = invitation_path("une-cle-secrete")
    user = UserFactory(email=invitation.email)
    page = client.get(link)
    assert page.status_code == 200 and "connectez-vous" in page.content.decode()
    login = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == link
    accepted = client.post(link)
    assert accepted.status_code == 302 and accepted["Location"] == territory_a.get_absolute_url()
    assert TerritoryMembership.objects.filter(user=user, territory=territory_a).exists()
    # The link works once.
    assert client.get(link).status_code == 410


def test_another_account_cannot_use_a_forwarded_invitation_link(client, territory_a):
    InvitationFactory(territory=territory_a, key="cle-transferee", email="destinataire@pays-a.fr")
    client.force_login(UserFactory(email="collegue@ailleurs.fr"))
    response = client.post(invitation_path("cle-transferee"))
    assert response.status_code == 403
    assert "destinataire@pays-a.fr" in response.content.decode()
    assert not TerritoryMembership.objects.filter(territory=territory_a).exists()


def test_the_territory_page_makes_the_same_number_of_queries_for_2_or_20_people(
    client, territory_a, referent_a, django_assert_max_num_queries
):
    client.force_login(referent_a)
    MembershipFactory(territory=territory_a)
    InvitationFactory(territory=territory_a)
    with django_assert_max_num_queries(20) as few:
        client.get(territory_a.get_absolute_url())
    MembershipFactory.create_batch(18, territory=territory_a)
    InvitationFactory.create_batch(10, territory=territory_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(territory_a.get_absolute_url())
    assert response.content.decode().count("<tr>") == 21


def test_an_unknown_invitation_key_is_a_404(client):
    assert client.get(reverse("members:invitation", kwargs={"key": "nope"})).status_code == 404


def test_staff_may_open_any_territory(client, staff):
    territory = TerritoryFactory()
    client.force_login(staff)
    assert client.get(territory.get_absolute_url()).status_code == 200
