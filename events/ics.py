"""iCalendar (.ics) files: one VEVENT per day, at the day's main site, in Paris time with its
VTIMEZONE (icalendar's add_missing_timezones), so that every calendar shows the right hours.

The event's public file lists every day; a participant's file (attached to their emails) only the
days they come, with the ateliers they hold in the description."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from anpp_portal.formats import format_time

from .models import Event, Participant


def _calendar(event: Event, days, *, description_of=None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ANPP//Portail ANPP//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    sites = list(event.sites.all())
    now = timezone.now()
    for day in days:
        site = day.site or (sites[0] if sites else None)
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}-day-{day.pk}@anpp")
        entry.add("dtstamp", now)
        entry.add("dtstart", day.starts_at_datetime())
        entry.add("dtend", day.ends_at_datetime())
        entry.add("summary", event.title)
        entry.add("description", description_of(day) if description_of else event.description)
        entry.add("url", settings.SITE_URL + event.get_absolute_url())
        if site is not None:
            entry.add("location", f"{site.name}, {' '.join(site.address.split())}, {site.city}")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ics(event: Event) -> bytes:
    return _calendar(event, event.days.all())


def participant_ics(participant: Participant) -> bytes:
    """Only the participant's days; each day's description names the ateliers they hold."""
    choices = list(participant.session_choices.select_related("session"))

    def description(day) -> str:
        lines = [participant.event.description] if participant.event.description else []
        for choice in choices:
            if choice.session.day_id == day.pk:
                waiting = " (liste d'attente)" if choice.status == "waiting" else ""
                lines.append(
                    f"{format_time(choice.session.starts_at)} – {format_time(choice.session.ends_at)} : "
                    f"{choice.session.title}{waiting}"
                )
        return "\n".join(lines)

    return _calendar(participant.event, participant.days.order_by("date"), description_of=description)


def ics_filename(event: Event) -> str:
    return f"{event.slug}.ics"
