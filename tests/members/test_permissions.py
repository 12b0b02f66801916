"""members/permissions.py: who may do what on a territory, seen through the views that use it."""

import pytest
from django.http import Http404
from django.urls import reverse

from members.models import Role
from members.permissions import Action, can, get_territory_for, territories_for

from ..factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_plain_member_cannot_reach_the_people_management_of_their_own_territory(
    client, territory_a, referent_a
):
    member = MembershipFactory(territory=territory_a, role=Role.MEMBRE)
    colleague = MembershipFactory(territory=territory_a, role=Role.MEMBRE)
    url = reverse("members:membership_role", kwargs={"slug": "pays-a", "membership_pk": colleague.pk})
    client.force_login(member.user)
    assert client.post(url, {"role": Role.REFERENT}).status_code == 404
    colleague.refresh_from_db()
    assert colleague.role == Role.MEMBRE
    client.force_login(referent_a)
    response = client.post(url, {"role": Role.REFERENT})
    assert response.status_code == 302 and response["Location"] == reverse(
        "members:territory", args=["pays-a"]
    )
    colleague.refresh_from_db()
    assert colleague.role == Role.REFERENT


def test_anpp_staff_open_the_space_of_a_territory_they_do_not_belong_to(client, staff, territory_a):
    client.force_login(staff)
    response = client.get(reverse("members:territory", kwargs={"slug": "pays-a"}))
    assert response.status_code == 200 and "PETR du Pays A" in response.content.decode()


def test_staff_of_the_anpp_group_act_on_every_territory_through_its_permissions(client, territory_a):
    """Staff made by the group « Équipe ANPP » (not superusers) open any territory's space."""
    staff_member = StaffFactory()
    assert not staff_member.is_superuser
    assert can(staff_member, Action.ACT, territory_a)
    client.force_login(staff_member)
    response = client.get(reverse("members:territory", kwargs={"slug": "pays-a"}))
    assert response.status_code == 200 and "PETR du Pays A" in response.content.decode()


def test_someone_no_longer_staff_but_left_in_the_staff_group_reaches_no_territory(client, territory_a):
    """Being in the group is not enough: the account must still be staff (is_staff), so taking
    that away closes every territory at once."""
    former = StaffFactory()
    former.is_staff = False
    former.save()
    assert not can(former, Action.VIEW, territory_a)
    client.force_login(former)
    assert client.get(reverse("members:territory", kwargs={"slug": "pays-a"})).status_code == 404


def test_a_deactivated_account_loses_its_own_territory(territory_a, referent_a):
    """An account switched off (is_active=False) is refused by every question of the permission
    layer, on its own territory too, whatever its role there."""
    assert can(referent_a, Action.MANAGE_PEOPLE, territory_a)
    referent_a.is_active = False
    referent_a.save()
    assert not can(referent_a, Action.VIEW, territory_a)
    assert not territories_for(referent_a).exists()
    with pytest.raises(Http404):
        get_territory_for(referent_a, "pays-a")


def test_the_kept_answer_for_one_territory_is_never_given_for_another(territory_a, territory_b, referent_a):
    """get_territory_for keeps its answer per person, action and territory (issue 17): the answer
    for a territory of theirs must not come back for another slug."""
    assert get_territory_for(referent_a, territory_a.slug) == territory_a
    with pytest.raises(Http404):
        get_territory_for(referent_a, territory_b.slug)
    MembershipFactory(user=referent_a, territory=territory_b, role=Role.MEMBRE)
    assert get_territory_for(referent_a, territory_b.slug) == territory_b
    assert get_territory_for(referent_a, territory_a.slug) == territory_a
