"""Adhésion reminders: each sent exactly once, whatever runs twice or crashes in between."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from anpp_portal.formats import format_euros
from anpp_portal.models import OutboundEmail
from members import services

from ..factories import MembershipFactory
from .adhesion_factories import CampaignFactory
from .test_adhesions import filled

pytestmark = pytest.mark.django_db

OPENS = datetime.date(2018, 1, 15)


@pytest.fixture
def campaign():
    return CampaignFactory(year=2018, opens_on=OPENS, reminder_days_without_submission=[15, 30])


def test_a_territory_without_submission_is_reminded_once_across_two_runs(
    campaign, territory_a, referent_a, send_outbox
):
    day = OPENS + datetime.timedelta(days=15)
    assert services.adhesion_reminders_send(today=OPENS + datetime.timedelta(days=14)) == 0
    assert services.adhesion_reminders_send(today=day) == 1
    assert services.adhesion_reminders_send(today=day) == 0  # beat again, or a retry; two at once: below
    sent = send_outbox()
    assert [m.to for m in sent] == [[referent_a.email]]
    assert "Adhésion 2018" in sent[0].subject and "/territoire/pays-a/adhesion/2018/" in sent[0].body
    assert len(send_outbox()) == 1


def test_a_crash_between_recording_and_sending_still_sends_once(
    campaign, territory_a, referent_a, send_outbox
):
    day = OPENS + datetime.timedelta(days=16)
    # The reminder is recorded, then the worker dies before delivering it: nothing was sent.
    services.adhesion_reminders_send(today=day)
    assert mail.outbox == [] and OutboundEmail.objects.get().status == OutboundEmail.Status.PENDING
    # After the restart, the beat runs again and the relay delivers what was recorded.
    assert services.adhesion_reminders_send(today=day) == 0
    assert len(send_outbox()) == 1
    assert len(send_outbox()) == 1


def test_a_reminder_missed_while_nothing_ran_is_sent_on_the_next_run_and_only_the_latest_step(
    campaign, territory_a, referent_a, send_outbox
):
    # Nothing ran between day 15 and day 40: one reminder (the day-30 step), not two.
    assert services.adhesion_reminders_send(today=OPENS + datetime.timedelta(days=40)) == 1
    assert OutboundEmail.objects.get().key.endswith(f":not-submitted:30:{referent_a.pk}")
    assert len(send_outbox()) == 1


def test_submitted_territories_and_plain_members_are_not_reminded(
    campaign, territory_a, referent_a, territory_b
):
    MembershipFactory(territory=territory_a, role="membre")
    adhesion = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=OPENS)
    filled(adhesion, referent_a)
    services.adhesion_submit(adhesion=adhesion, by=referent_a, today=OPENS)
    assert services.adhesion_reminders_send(today=OPENS + datetime.timedelta(days=20)) == 0


def test_only_the_active_referents_of_a_territory_that_has_not_submitted_are_reminded(
    campaign, territory_a, referent_a, send_outbox
):
    MembershipFactory(territory=territory_a, role="membre", user__email="membre@pays-a.test")
    MembershipFactory(
        territory=territory_a, role="referent", user__email="parti@pays-a.test", user__is_active=False
    )
    second = MembershipFactory(territory=territory_a, role="referent", user__email="second@pays-a.test").user
    assert services.adhesion_reminders_send(today=OPENS + datetime.timedelta(days=15)) == 2
    assert sorted(m.to[0] for m in send_outbox()) == sorted([referent_a.email, second.email])


def test_an_unpaid_call_is_reminded_at_30_then_60_days_to_referents_and_billing_contact(
    campaign, territory_a, referent_a, staff, send_outbox, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    MembershipFactory(territory=territory_a, role="membre")  # a plain member is not reminded
    adhesion = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=OPENS)
    filled(adhesion, referent_a)
    services.adhesion_submit(adhesion=adhesion, by=referent_a, today=OPENS)
    adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
    send_outbox()
    mail.outbox.clear()
    issued = timezone.localdate(adhesion.call_issued_at)  # the day in Paris, as the reminders count it
    campaign.closes_on = OPENS  # the submission reminders are over; only the unpaid ones remain
    campaign.save()
    assert services.adhesion_reminders_send(today=issued + datetime.timedelta(days=29)) == 0
    assert services.adhesion_reminders_send(today=issued + datetime.timedelta(days=30)) == 2
    assert services.adhesion_reminders_send(today=issued + datetime.timedelta(days=45)) == 0
    assert services.adhesion_reminders_send(today=issued + datetime.timedelta(days=60)) == 2
    sent = send_outbox()
    assert len(sent) == 4 and all(adhesion.call_number in m.subject for m in sent)
    assert sorted(m.to[0] for m in sent) == sorted([referent_a.email, adhesion.billing_contact_email] * 2)


def test_an_unpaid_reminder_after_a_partial_payment_quotes_the_remaining_balance(
    campaign, territory_a, referent_a, staff, send_outbox, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    adhesion = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=OPENS)
    filled(adhesion, referent_a)
    services.adhesion_submit(adhesion=adhesion, by=referent_a, today=OPENS)
    adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
    services.payment_record(
        adhesion=adhesion,
        paid_on=datetime.date.today(),
        amount=Decimal("500.50"),
        method="virement",
        reference="",
        by=staff,
    )
    send_outbox()
    mail.outbox.clear()
    assert services.adhesion_remind_now(adhesion=adhesion, by=staff) == 2
    sent = send_outbox()
    remaining = format_euros(adhesion.amount - Decimal("500.50"))
    assert {m.to[0] for m in sent} == {referent_a.email, adhesion.billing_contact_email}
    for message in sent:
        # Subjects are folded on one line, their non-breaking spaces too.
        assert f"reste à payer {' '.join(remaining.split())}" in message.subject
        assert f"Reste à payer : {remaining}" in message.body
        assert "Déjà reçu : 500,50 €" in message.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_running_at_once_send_each_reminder_once(tmp_path):
    from collections import Counter

    from ..mail_recorder import delivered
    from ..processes import run_at_once

    CampaignFactory(year=2018, opens_on=OPENS, reminder_days_without_submission=[15, 30])
    referents = [MembershipFactory(role="referent").user for _ in range(8)]
    day = OPENS + datetime.timedelta(days=15)
    counts = run_at_once("members.services.adhesion_reminders_send", count=2, tmp_path=tmp_path, today=day)
    assert sum(counts) >= 8  # each process counts what it recorded, a race may count a row twice
    sent = delivered(tmp_path / "mail")
    assert Counter(m["to"][0] for m in sent) == {user.email: 1 for user in referents}
    assert OutboundEmail.objects.count() == 8
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
