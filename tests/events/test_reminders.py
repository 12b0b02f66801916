import datetime

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone

from anpp_portal import outbox
from anpp_portal.models import OutboundEmail
from events import services

from .factories import EventFactory, in_days
from .helpers import person

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def deliver(now):
    outbox.emails_relay(now=now + datetime.timedelta(minutes=5))


def reminders_to(email):
    return [m.subject for m in mail.outbox if email in m.to and m.subject.startswith("[ANPP] Rappel")]


@pytest.fixture
def event(db):
    return EventFactory(
        capacity=10,
        reminder_offsets=[7, 1],
        registration_closes_at=in_days(29),
        cancellation_deadline=in_days(29),
    )


def register(event, n, now):
    # A personal registration: the person registers their own address.
    data = person(n, event)
    return services.registration_create(event=event, by=event_user(data.email), participants=[data], now=now)


def event_user(email):
    from ..factories import UserFactory

    return UserFactory(email=email)


def test_j7_and_j1_are_each_sent_once_across_repeated_beat_runs(event):
    start = event.starts_at()
    register(event, 0, now=start - 20 * DAY)
    for moment in [
        start - 8 * DAY,
        start - 7 * DAY,
        start - 6 * DAY,
        start - 2 * DAY,
        start - DAY,
        start - DAY / 2,
    ]:
        for _ in range(3):  # beat runs again (a retry, a restart); two at once: the test below
            services.reminders_send(now=moment)
            deliver(moment)
    assert reminders_to("personne0@pays.test") == [
        f"[ANPP] Rappel : {event.title} dans 7 jours",
        f"[ANPP] Rappel : {event.title} demain",
    ]


def test_a_reminder_recorded_but_not_sent_before_a_crash_is_sent_once_on_the_next_run(event):
    start = event.starts_at()
    register(event, 0, now=start - 20 * DAY)
    moment = start - 7 * DAY + datetime.timedelta(hours=1)
    assert services.reminders_send(now=moment) == 1
    # The worker took the email and died before sending it: the row is claimed, nothing went out.
    email = OutboundEmail.objects.get(key__startswith="event-reminder:")
    OutboundEmail.objects.filter(pk=email.pk).update(status="sending", claimed_until=timezone.now())
    assert reminders_to("personne0@pays.test") == []
    # Next beat runs: the reminder is not recorded twice and is delivered once the claim expired.
    later = moment + datetime.timedelta(minutes=10)
    assert services.reminders_send(now=later) == 0
    deliver(later)
    services.reminders_send(now=later + datetime.timedelta(minutes=1))
    deliver(later + datetime.timedelta(minutes=1))
    assert reminders_to("personne0@pays.test") == [f"[ANPP] Rappel : {event.title} dans 7 jours"]
    assert OutboundEmail.objects.filter(key__startswith="event-reminder:").count() == 1


def test_a_late_registrant_gets_no_past_reminder(event):
    start = event.starts_at()
    register(event, 0, now=start - 3 * DAY)
    for moment in [start - 2 * DAY, start - DAY, start - DAY / 2]:
        services.reminders_send(now=moment)
        deliver(moment)
    assert reminders_to("personne0@pays.test") == [f"[ANPP] Rappel : {event.title} demain"]


def test_a_missed_reminder_is_sent_late_before_the_start_but_never_after(event):
    start = event.starts_at()
    register(event, 0, now=start - 20 * DAY)
    register(event, 1, now=start - 20 * DAY)
    # The worker was down from J-8 until after J-7: J-7 goes out late, at J-3.
    services.reminders_send(now=start - 3 * DAY)
    deliver(start - 3 * DAY)
    assert len(reminders_to("personne0@pays.test")) == 1
    # Down again over J-1 until the event has started: J-1 is not sent any more.
    assert services.reminders_send(now=start + datetime.timedelta(hours=1)) == 0
    assert len(reminders_to("personne0@pays.test")) == 1


def test_a_reminder_missed_until_the_morning_of_the_event_is_still_sent_before_it_starts(db):
    event = EventFactory(
        with_days=1,
        reminder_offsets=[1],
        registration_closes_at=in_days(29),
        cancellation_deadline=in_days(29),
    )
    start = event.starts_at()
    register(event, 0, now=start - 20 * DAY)
    moment = start - datetime.timedelta(minutes=30)  # the same day, half an hour before it starts
    assert timezone.localdate(moment) == start.date()
    assert services.reminders_send(now=moment) == 1
    assert OutboundEmail.objects.get(key__startswith="event-reminder:").key.endswith(":1")


def test_a_reminder_is_due_from_its_exact_time_and_nothing_is_due_from_the_exact_start(event):
    start = event.starts_at()
    register(event, 0, now=start - 20 * DAY)
    assert services.reminders_send(now=start - 7 * DAY - datetime.timedelta(seconds=1)) == 0
    assert services.reminders_send(now=start - 7 * DAY) == 1
    assert services.reminders_send(now=start) == 0  # J-1 was never recorded: too late now


def test_an_event_under_way_does_not_stop_the_reminders_of_the_next_one(db):
    under_way = EventFactory(with_days=1, reminder_offsets=[1], registration_closes_at=in_days(29))
    tomorrow = EventFactory(with_days=1, reminder_offsets=[1], registration_closes_at=in_days(29))
    tomorrow.days.update(date=F("date") + datetime.timedelta(days=1))
    assert under_way.pk < tomorrow.pk  # the started one comes first
    for event in (under_way, tomorrow):
        register(event, event.pk, now=timezone.now())
    now = under_way.starts_at() + datetime.timedelta(hours=1)
    assert services.reminders_send(now=now) == 1
    [reminder] = OutboundEmail.objects.filter(key__startswith="event-reminder:")
    assert reminder.to == f"personne{tomorrow.pk}@pays.test"


def test_when_two_reminders_are_due_at_once_only_the_latest_is_sent(event):
    start = event.starts_at()
    register(event, 0, now=start - 20 * DAY)
    services.reminders_send(now=start - DAY / 2)
    deliver(start - DAY / 2)
    assert reminders_to("personne0@pays.test") == [f"[ANPP] Rappel : {event.title} demain"]


def test_the_reminder_carries_the_ics_and_waiting_people_get_none(event):
    event.capacity = 1
    event.save()
    start = event.starts_at()
    register(event, 0, now=start - 20 * DAY)
    register(event, 1, now=start - 20 * DAY)
    services.reminders_send(now=start - DAY)
    deliver(start - DAY)
    [message] = [m for m in mail.outbox if "Rappel" in m.subject and "personne0@pays.test" in m.to]
    assert message.attachments[0][0].endswith(".ics")
    assert reminders_to("personne1@pays.test") == []


def test_the_beat_task_queues_the_due_reminders(event):
    from django.db.models import F

    from events.models import EventDay
    from events.tasks import send_event_reminders

    # The event starts in five days: J-7 is due (sent late), J-1 is not yet.
    EventDay.objects.filter(event=event).update(date=F("date") - datetime.timedelta(days=25))
    register(event, 0, now=timezone.now() - 3 * DAY)
    assert send_event_reminders.delay().get() == 1
    assert send_event_reminders.delay().get() == 0
    assert OutboundEmail.objects.filter(key__endswith=":7").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_running_at_once_send_each_reminder_once(tmp_path):
    from collections import Counter

    from ..mail_recorder import delivered
    from ..processes import run_at_once

    event = EventFactory(
        capacity=10,
        reminder_offsets=[7, 1],
        registration_closes_at=in_days(29),
        cancellation_deadline=in_days(29),
    )
    start = event.starts_at()
    for n in range(6):
        register(event, n, now=start - 20 * DAY)
    moment = start - 7 * DAY + datetime.timedelta(hours=1)
    run_at_once("events.services.reminders_send", count=2, tmp_path=tmp_path, now=moment)
    sent = [m for m in delivered(tmp_path / "mail") if m["subject"].startswith("[ANPP] Rappel")]
    assert Counter(m["to"][0] for m in sent) == {f"personne{n}@pays.test": 1 for n in range(6)}
    reminders = OutboundEmail.objects.filter(key__startswith="event-reminder:")
    assert reminders.count() == 6 and set(reminders.values_list("status", flat=True)) == {"sent"}
