"""Races that only a real database shows: the services' row locks must hold them."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from members import services
from members.models import Role, TerritoryMembership

from ..factories import InvitationFactory, MembershipFactory, StaffFactory, UserFactory


def _run_together(functions):
    barrier = threading.Barrier(len(functions))
    outcomes = []

    def run(function):
        try:
            barrier.wait()
            outcomes.append(function())
        except Exception as exc:  # collected and checked by the test
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
def test_an_invitation_accepted_from_ten_tabs_at_once_is_used_exactly_once(transactional_db):
    invitation = InvitationFactory()
    user = UserFactory(email=invitation.email)
    outcomes = _run_together([lambda: services.invitation_accept(invitation=invitation, user=user)] * 10)
    accepted = [o for o in outcomes if isinstance(o, TerritoryMembership)]
    refused = [o for o in outcomes if isinstance(o, services.InvitationUnusable)]
    assert len(accepted) == 1 and len(refused) == 9, outcomes
    assert TerritoryMembership.objects.filter(territory=invitation.territory).count() == 1


@pytest.mark.postgres
def test_two_referents_demoting_each_other_at_once_leave_one_referent(transactional_db):
    first = MembershipFactory(role=Role.REFERENT)
    second = MembershipFactory(role=Role.REFERENT, territory=first.territory)
    outcomes = _run_together(
        [
            lambda: services.membership_set_role(membership=first, role=Role.MEMBRE, by=second.user),
            lambda: services.membership_set_role(membership=second, role=Role.MEMBRE, by=first.user),
        ]
    )
    # The second to get the lock is either no longer a référent (NotAllowed) or the last one (LastReferent).
    assert sum(isinstance(o, services.MembersError) for o in outcomes) == 1, outcomes
    assert TerritoryMembership.objects.filter(territory=first.territory, role=Role.REFERENT).count() == 1


@pytest.fixture
def validated_adhesions(transactional_db, settings, tmp_path, monkeypatch):
    """Twelve territories' validated adhésions of 2018, and a sequence row slow to save (as on a
    loaded server), which widens the window between reading the last number and writing the next."""
    import datetime
    import time

    from billing.models import InvoiceSequence
    from members.models import Adhesion

    from .adhesion_factories import CampaignFactory

    settings.MEDIA_ROOT = tmp_path
    campaign = CampaignFactory(year=2018)
    adhesions = []
    for _ in range(12):
        membership = MembershipFactory(role=Role.REFERENT)
        adhesion = services.adhesion_open(
            territory=membership.territory,
            campaign=campaign,
            by=membership.user,
            today=datetime.date(2018, 2, 1),
        )
        Adhesion.objects.filter(pk=adhesion.pk).update(status=Adhesion.Status.VALIDEE, signatory_name="X")
        adhesions.append(adhesion)
    save = InvoiceSequence.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.05)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(InvoiceSequence, "save", slow_save)
    return adhesions


def _issue_all_at_once(adhesions):
    staff = StaffFactory()
    return _run_together([lambda a=a: services.call_issue(adhesion=a, by=staff) for a in adhesions])


@pytest.mark.postgres
def test_calls_issued_from_many_threads_at_once_get_gapless_unique_numbers(validated_adhesions):
    from members.models import Adhesion

    outcomes = _issue_all_at_once(validated_adhesions)
    assert all(isinstance(o, Adhesion) for o in outcomes), outcomes
    numbers = sorted(Adhesion.objects.values_list("call_number", flat=True))
    year = timezone.localdate().year  # the appels' series of the year of issue
    assert numbers == [f"{year}-{n:04d}" for n in range(1, 13)]


@pytest.mark.postgres
def test_without_the_sequence_lock_the_same_calls_collide(validated_adhesions, monkeypatch):
    """Negative control: the sequence row's lock is the only one that serialises numbering (the
    adhésion's lock covers its own row), so without it the test above fails."""
    from django.db import IntegrityError

    from billing.models import InvoiceSequence
    from members.models import Adhesion

    monkeypatch.setattr(InvoiceSequence.objects, "select_for_update", InvoiceSequence.objects.all)
    outcomes = _issue_all_at_once(validated_adhesions)
    assert any(isinstance(o, IntegrityError) for o in outcomes), outcomes
    assert Adhesion.objects.exclude(call_number=None).count() < len(validated_adhesions)


@pytest.mark.postgres
def test_two_people_saving_the_same_fiche_version_at_once_one_is_refused(transactional_db):
    import datetime

    from members.models import FicheRenseignements

    from .fiche_factories import FicheCampaignFactory

    referent = MembershipFactory(role=Role.REFERENT)
    colleague = MembershipFactory(role=Role.MEMBRE, territory=referent.territory)
    fiche = services.fiche_open(
        territory=referent.territory,
        campaign=FicheCampaignFactory(),
        by=referent.user,
        today=datetime.date(2018, 3, 10),
    )
    outcomes = _run_together(
        [
            lambda: services.fiche_save_section(
                fiche=fiche, answers={"president_nom": "A"}, version=fiche.version, by=referent.user
            ),
            lambda: services.fiche_save_section(
                fiche=fiche, answers={"president_nom": "B"}, version=fiche.version, by=colleague.user
            ),
        ]
    )
    saved = [o for o in outcomes if isinstance(o, FicheRenseignements)]
    assert len(saved) == 1 and sum(isinstance(o, services.FicheStale) for o in outcomes) == 1, outcomes
    fiche.refresh_from_db()
    assert fiche.answers["president_nom"] == saved[0].answers["president_nom"] and fiche.version == 2
