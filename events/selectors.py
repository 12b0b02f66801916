"""Reads of the events app that span relations; each list runs a fixed number of queries."""

import datetime
import unicodedata

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from anpp_portal.staffpolicy import acts_as_staff
from members.permissions import Action, territories_for

from .models import Attendance, Event, EventDay, Function, Participant, Registration, Session, SessionChoice

PUBLIC_STATUSES = [Event.Status.PUBLISHED, Event.Status.FULL, Event.Status.CLOSED, Event.Status.CANCELLED]


def _with_counts(queryset):
    return queryset.annotate(
        confirmed_count=Count("participants", filter=Q(participants__status=Participant.Status.CONFIRMED)),
        waiting_count=Count("participants", filter=Q(participants__status=Participant.Status.WAITING)),
    )


def public_events(*, now=None) -> tuple[list[Event], list[Event]]:
    """Published events split into upcoming (soonest first) and past (latest first)."""
    now = now or timezone.now()
    events = list(
        _with_counts(Event.objects.filter(status__in=PUBLIC_STATUSES)).prefetch_related(
            Prefetch("days", queryset=EventDay.objects.order_by("date")), "sites"
        )
    )
    today = timezone.localdate(now)
    upcoming, past = [], []
    for event in events:
        days = list(event.days.all())
        last = days[-1].date if days else datetime.date.min
        (upcoming if last >= today else past).append(event)
        event.seats_left = None if event.capacity is None else max(event.capacity - event.confirmed_count, 0)
    upcoming.sort(key=lambda e: e.days.all()[0].date if e.days.all() else datetime.date.max)
    past.sort(key=lambda e: e.days.all()[0].date if e.days.all() else datetime.date.min, reverse=True)
    return upcoming, past


def sees_drafts(user) -> bool:
    """Does ``user`` see the events that are not public yet (staff preview)?"""
    return acts_as_staff(user, "events.view_event")


def event_for_page(*, slug: str, user=None) -> Event:
    queryset = Event.objects.all() if sees_drafts(user) else Event.objects.filter(status__in=PUBLIC_STATUSES)
    return (
        _with_counts(queryset)
        .prefetch_related(
            Prefetch("days", queryset=EventDay.objects.select_related("site").order_by("date")),
            "sites",
            Prefetch(
                "sessions",
                queryset=_session_counts(Session.objects.select_related("site", "day")).order_by(
                    "day__date", "starts_at", "pk"
                ),
            ),
        )
        .get(slug=slug)
    )


def event_for_registration(*, slug: str, user=None) -> Event:
    """The event, its days and ateliers for the registration form: no counts (the service counts
    seats under the event's lock), so a burst of registrations reads as little as possible."""
    queryset = Event.objects.all() if sees_drafts(user) else Event.objects.filter(status__in=PUBLIC_STATUSES)
    return queryset.prefetch_related(
        Prefetch("days", queryset=EventDay.objects.order_by("date")),
        Prefetch(
            "sessions",
            queryset=Session.objects.filter(is_atelier=True)
            .select_related("site")
            .order_by("day__date", "starts_at", "pk"),
        ),
    ).get(slug=slug)


def _session_counts(queryset):
    return queryset.annotate(
        seated_count=Count(
            "choices",
            filter=Q(
                choices__status=SessionChoice.Status.CONFIRMED,
                choices__participant__status=Participant.Status.CONFIRMED,
            ),
        ),
        waiting_count=Count(
            "choices",
            filter=Q(choices__status=SessionChoice.Status.WAITING)
            & ~Q(choices__participant__status=Participant.Status.CANCELLED),
        ),
    )


def day_seats(event: Event) -> list[dict]:
    """Seats left on each day that has a capacity of its own (one query, none if no day has one)."""
    days = [d for d in event.days.all() if d.capacity is not None]
    if not days:
        return []
    taken = dict(
        Participant.days.through.objects.filter(
            eventday_id__in=[d.pk for d in days], participant__status=Participant.Status.CONFIRMED
        )
        .values_list("eventday_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [{"day": d, "left": max(d.capacity - taken.get(d.pk, 0), 0)} for d in days]


def programme(event: Event) -> list[dict]:
    """The programme by day, then by site, from the prefetched days and sessions."""
    result = []
    for day in event.days.all():
        sites: dict = {}
        for session in event.sessions.all():
            if session.day_id == day.pk:
                sites.setdefault(session.site, []).append(session)
        result.append({"day": day, "sites": [{"site": s, "sessions": v} for s, v in sites.items()]})
    return result


# A participant's ateliers as the programme runs: by day, then by time (9 h 30 before 14 h).
_TIMETABLE_ORDER = ("session__day__date", "session__starts_at", "pk")


def _participants_prefetch():
    return Prefetch(
        "participants",
        queryset=Participant.objects.order_by("last_name", "first_name").prefetch_related(
            "days",
            Prefetch(
                "session_choices",
                queryset=SessionChoice.objects.select_related("session__day").order_by(*_TIMETABLE_ORDER),
            ),
        ),
    )


def registrations_visible_to(user):
    """Registrations a person may see and change: their territories' ones and their own."""
    if not (user and user.is_authenticated and user.is_active):
        return Registration.objects.none()
    territories = territories_for(user, Action.ACT)
    return Registration.objects.filter(
        Q(territory__in=territories) | Q(territory__isnull=True, created_by=user)
    )


def registrations_of_user(user) -> list[Registration]:
    """The list of "my registrations": each with its participants' names and statuses only."""
    return list(
        registrations_visible_to(user)
        .select_related("event", "territory", "created_by")
        .only(
            "pk",
            "created_at",
            "event__title",
            "territory__name",
            "created_by__first_name",
            "created_by__last_name",
            "created_by__email",
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.order_by("last_name", "first_name").only(
                    "registration_id", "first_name", "last_name", "status"
                ),
            )
        )
        .order_by("-created_at")
    )


def registration_of_user(user, pk: int) -> Registration:
    return (
        registrations_visible_to(user)
        .select_related("event", "territory", "created_by")
        .prefetch_related(
            _participants_prefetch(),
            Prefetch("event__days", queryset=EventDay.objects.order_by("date")),
            Prefetch(
                "event__sessions", queryset=Session.objects.filter(is_atelier=True).select_related("day")
            ),
        )
        .get(pk=pk)
    )


def registration_for_recap(pk: int) -> Registration:
    return (
        Registration.objects.select_related("event", "territory", "created_by")
        .prefetch_related(_participants_prefetch())
        .get(pk=pk)
    )


def participants_for_staff(event: Event):
    return (
        Participant.objects.filter(event=event)
        .exclude(status=Participant.Status.CANCELLED)
        .select_related("registration__territory")
        .prefetch_related(
            "days",
            "attendances",
            Prefetch(
                "session_choices",
                queryset=SessionChoice.objects.select_related("session").order_by(*_TIMETABLE_ORDER),
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )


def fold(text: str) -> str:
    """A name as a search compares it: lower case, without accents or ligatures (Œ → oe)."""
    text = (text or "").casefold().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def checkin_search(event: Event, day: EventDay, query: str, limit: int = 30) -> list[Participant]:
    """Participants of ``event`` matching ``query`` (every word in the first or last name), each with
    ``on_day`` (registered for ``day``) and ``attendance`` (their check-in that day, or None)."""
    queryset = (
        Participant.objects.filter(event=event)
        .exclude(status=Participant.Status.WAITING)
        .select_related("registration__territory")
        .prefetch_related(
            Prefetch("days", queryset=EventDay.objects.filter(pk=day.pk), to_attr="day_match"),
            Prefetch("attendances", queryset=Attendance.objects.filter(day=day), to_attr="day_attendance"),
        )
        .order_by("status", "last_name", "first_name", "pk")
    )
    words = [fold(word) for word in query.split()[:4]]
    if words:
        # Accents and case aside ("soule" finds Soulé), on SQLite as on PostgreSQL: the names of
        # one event's participants are matched here, in one narrow query.
        names = (
            Participant.objects.filter(event=event)
            .exclude(status=Participant.Status.WAITING)
            .values_list("pk", "first_name", "last_name")
        )
        matching = [
            pk
            for pk, first_name, last_name in names
            if all(word in fold(f"{first_name} {last_name}") for word in words)
        ]
        queryset = queryset.filter(pk__in=matching)
    results = list(queryset[:limit])
    for participant in results:
        participant.on_day = bool(participant.day_match)
        participant.attendance = participant.day_attendance[0] if participant.day_attendance else None
    return results


def checkin_day_counts(day: EventDay) -> dict:
    return {
        "expected": day.participants.filter(status=Participant.Status.CONFIRMED).count(),
        "present": Attendance.objects.filter(day=day).count(),
    }


def event_statistics(event: Event) -> dict:
    participants = Participant.objects.filter(event=event)
    by_status = dict(participants.values_list("status").annotate(n=Count("pk")).order_by())
    active = participants.exclude(status=Participant.Status.CANCELLED)
    return {
        "confirmed": by_status.get(Participant.Status.CONFIRMED, 0),
        "waiting": by_status.get(Participant.Status.WAITING, 0),
        "cancelled": by_status.get(Participant.Status.CANCELLED, 0),
        "present": participants.filter(status=Participant.Status.CONFIRMED, attendances__isnull=False)
        .distinct()
        .count(),
        "days": list(
            EventDay.objects.filter(event=event)
            .annotate(
                expected=Count(
                    "participants",
                    filter=Q(participants__status=Participant.Status.CONFIRMED),
                    distinct=True,
                ),
                present=Count("attendances", distinct=True),
            )
            .order_by("date")
        ),
        "by_function": [
            {"label": Function(row["function"]).label, "n": row["n"]}
            for row in active.values("function").annotate(n=Count("pk")).order_by("-n", "function")
        ],
        "by_territory": list(
            active.values("registration__territory__name").annotate(n=Count("pk")).order_by("-n")[:50]
        ),
        "ateliers": list(
            _session_counts(
                Session.objects.filter(event=event, is_atelier=True).select_related("day", "site")
            ).order_by("day__date", "starts_at")
        ),
    }


def events_with_reminders_due(*, now):
    """(event, offset_days, due_at) of the reminder due now for each event not started yet."""
    events = Event.objects.filter(status__in=[Event.Status.PUBLISHED, Event.Status.FULL, Event.Status.CLOSED])
    events = events.filter(days__date__gte=timezone.localdate(now) - datetime.timedelta(days=1)).distinct()
    for event in events.prefetch_related("days"):
        starts_at = event.starts_at()
        if starts_at is None or now >= starts_at:
            continue
        due = [o for o in set(event.reminder_offsets or []) if now >= starts_at - datetime.timedelta(days=o)]
        if due:
            # Only the latest reminder whose time has come: one missed while the worker was down is
            # sent late, unless a later one is already due (nobody wants J-7 and J-1 at once).
            offset = min(due)
            yield event, offset, starts_at - datetime.timedelta(days=offset)
