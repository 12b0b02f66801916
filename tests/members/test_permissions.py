"""members/permissions.py: who may do what on a territory, seen through the views that use it."""

import pytest
from django.urls import reverse

from members.models import Role

from ..factories import MembershipFactory

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
