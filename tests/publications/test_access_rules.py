"""publications/access.py: who sees an issue, who reads it in full."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from publications.access import can_read_full, can_see_issue
from publications.models import Issue

from ..members.adhesion_factories import make_member
from .factories import IssueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Issue.Status.DRAFT, Issue.Status.SCHEDULED])
def test_only_staff_see_an_unpublished_issue_and_read_it_in_full(territory_a, referent_a, staff, status):
    make_member(territory_a)
    publish_at = timezone.now() + datetime.timedelta(days=1) if status == Issue.Status.SCHEDULED else None
    issue = IssueFactory(status=status, visibility=Issue.Visibility.MEMBERS, publish_at=publish_at)
    for reader in (AnonymousUser(), referent_a):
        assert not can_see_issue(reader, issue) and not can_read_full(reader, issue)
    assert can_see_issue(staff, issue) and can_read_full(staff, issue)


def test_a_published_members_only_issue_is_read_in_full_by_members_and_staff_only(
    territory_a, referent_a, referent_b, staff
):
    make_member(territory_a)
    issue = IssueFactory(status=Issue.Status.PUBLISHED, visibility=Issue.Visibility.MEMBERS)
    assert all(can_see_issue(reader, issue) for reader in (AnonymousUser(), referent_b, referent_a, staff))
    assert [can_read_full(reader, issue) for reader in (AnonymousUser(), referent_b, referent_a, staff)] == [
        False,
        False,
        True,
        True,
    ]
