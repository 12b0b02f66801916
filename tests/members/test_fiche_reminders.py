"""Fiche reminders go through the same mechanism as the adhésion ones: each sent exactly once."""

import datetime

import pytest
from django.core import mail

from anpp_portal.models import OutboundEmail
from members import services

from .fiche_factories import FicheCampaignFactory

pytestmark = pytest.mark.django_db
OPENS = datetime.date(2018, 3, 1)


@pytest.fixture
def campaign():
    return FicheCampaignFactory(
        year=2018, opens_on=OPENS, reminder_days_not_started=[15, 30], reminder_days_not_submitted=[30]
    )


def days(n):
    return OPENS + datetime.timedelta(days=n)


def test_not_started_is_reminded_once_across_two_runs(campaign, territory_a, referent_a, send_outbox):
    assert services.fiche_reminders_send(today=days(14)) == 0
    assert services.fiche_reminders_send(today=days(15)) == 1
    assert services.fiche_reminders_send(today=days(15)) == 0
    [message] = send_outbox()
    assert message.to == [referent_a.email] and "n'a pas encore été commencée" in message.body
    assert "/territoire/pays-a/fiche/2018/" in message.body


def test_started_but_not_submitted_gets_its_own_reminder(campaign, territory_a, referent_a, send_outbox):
    services.fiche_open(territory=territory_a, campaign=campaign, by=referent_a, today=days(1))
    assert services.fiche_reminders_send(today=days(20)) == 0  # started: the not-started steps do not apply
    assert services.fiche_reminders_send(today=days(30)) == 1
    assert "commencée mais pas encore soumise" in send_outbox()[0].body


def test_a_crash_between_recording_and_sending_still_sends_once(
    campaign, territory_a, referent_a, send_outbox
):
    services.fiche_reminders_send(today=days(16))
    assert mail.outbox == [] and OutboundEmail.objects.get().status == OutboundEmail.Status.PENDING
    assert services.fiche_reminders_send(today=days(16)) == 0
    assert len(send_outbox()) == 1 and len(send_outbox()) == 1


def test_a_missed_reminder_is_sent_on_the_next_run_latest_step_only(
    campaign, territory_a, referent_a, send_outbox
):
    assert services.fiche_reminders_send(today=days(40)) == 1
    assert OutboundEmail.objects.get().key.endswith(f":not-started:30:{referent_a.pk}")
    assert len(send_outbox()) == 1


def test_submitted_fiches_are_not_reminded(campaign, territory_a, referent_a):
    from .fiche_factories import COMPLETE_ANSWERS

    fiche = services.fiche_open(territory=territory_a, campaign=campaign, by=referent_a, today=days(1))
    fiche = services.fiche_save_section(
        fiche=fiche, answers=COMPLETE_ANSWERS, version=fiche.version, by=referent_a
    )
    services.fiche_submit(fiche=fiche, by=referent_a)
    assert services.fiche_reminders_send(today=days(35)) == 0
