"""The one answer to "may this account act as ANPP staff for permission P" (anpp_portal/staffpolicy.py)."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser, Permission
from django.utils import timezone

from anpp_portal.staffpolicy import acts_as_staff, is_staff_account, mfa_overdue

from .factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PERMISSION = "events.view_participant"


@pytest.fixture
def mfa_required(settings):
    settings.ANPP_STAFF_MFA_REQUIRED = True
    settings.ANPP_STAFF_MFA_GRACE_DAYS = 7


def _days_ago(days):
    return timezone.now() - timedelta(days=days)


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def test_staff_of_the_group_act_as_staff_for_the_groups_permissions(mfa_required):
    staff = StaffFactory()
    assert acts_as_staff(staff, PERMISSION)
    assert not acts_as_staff(staff, "members.change_user")  # accounts stay with superusers


def test_being_staff_alone_gives_no_permission():
    bare = UserFactory(is_staff=True)
    assert is_staff_account(bare)
    assert not acts_as_staff(bare, PERMISSION)


def test_a_permission_given_to_a_person_who_is_not_staff_gives_no_staff_power():
    person = UserFactory()
    person.user_permissions.add(Permission.objects.get(codename="view_participant"))
    assert not acts_as_staff(person, PERMISSION)


def test_an_inactive_or_anonymous_account_is_never_staff():
    assert not acts_as_staff(StaffFactory(is_active=False), PERMISSION)
    assert not acts_as_staff(AnonymousUser(), PERMISSION)
    assert not acts_as_staff(None, PERMISSION)
    assert not is_staff_account(None)


def test_past_the_grace_period_only_staff_with_totp_act_as_staff(mfa_required):
    assert acts_as_staff(StaffFactory(date_joined=_days_ago(6)), PERMISSION)  # inside the grace period
    overdue = StaffFactory(date_joined=_days_ago(8))
    assert mfa_overdue(overdue) and not acts_as_staff(overdue, PERMISSION)
    assert acts_as_staff(_with_totp(StaffFactory(date_joined=_days_ago(60))), PERMISSION)
    # A superuser is no exception.
    assert not acts_as_staff(
        UserFactory(is_staff=True, is_superuser=True, date_joined=_days_ago(8)), PERMISSION
    )


def test_without_the_requirement_totp_is_not_asked(settings):
    settings.ANPP_STAFF_MFA_REQUIRED = False
    old = StaffFactory(date_joined=_days_ago(400))
    assert not mfa_overdue(old) and acts_as_staff(old, PERMISSION)


def test_setting_totp_up_restores_staff_rights_on_the_same_account(mfa_required):
    overdue = StaffFactory(date_joined=_days_ago(8))
    assert not acts_as_staff(overdue, PERMISSION)
    _with_totp(overdue)
    assert acts_as_staff(overdue, PERMISSION)


def test_asking_many_times_for_one_account_asks_the_database_once(
    mfa_required, django_assert_max_num_queries
):
    staff = _with_totp(StaffFactory(date_joined=_days_ago(60)))
    acts_as_staff(staff, PERMISSION)  # the permissions and the TOTP are read once
    with django_assert_max_num_queries(0):
        for _ in range(20):
            assert acts_as_staff(staff, PERMISSION)


def _view_only_staff():
    """Staff holding only the group's view permissions."""
    account = UserFactory(is_staff=True)
    group_permissions = StaffFactory().groups.get().permissions
    account.user_permissions.set(group_permissions.filter(codename__startswith="view_"))
    return account


def test_staff_holding_only_view_permissions_check_no_one_in_and_register_no_third_party():
    from events import qr
    from events import services as event_services

    from .events.factories import EventFactory, ParticipantFactory
    from .events.helpers import person

    event = EventFactory(capacity=10)
    day = event.days.first()
    participant = ParticipantFactory(registration__event=event, qr_secret=qr.new_secret())
    participant.days.set([day])
    view_only = _view_only_staff()
    assert acts_as_staff(view_only, "events.view_participant")
    with pytest.raises(event_services.NotAllowed):
        event_services.participant_check_in(participant=participant, day=day, by=view_only)
    with pytest.raises(event_services.NotAllowed):
        event_services.checkin_scan(event=event, day=day, code=qr.code_for(participant), by=view_only)
    with pytest.raises(event_services.NotAllowed):
        event_services.event_capacity_change(event=event, capacity=20, by=view_only)
    with pytest.raises(event_services.NotAllowed):
        event_services.registration_create(event=event, by=view_only, participants=[person(1, event)])
    assert not participant.attendances.exists()
    # Staff of the group do all four.
    staff = StaffFactory()
    assert event_services.checkin_scan(
        event=event, day=day, code=qr.code_for(participant), by=staff
    ).state == ("present")
    event_services.event_capacity_change(event=event, capacity=20, by=staff)
    event_services.registration_create(event=event, by=staff, participants=[person(1, event)])
