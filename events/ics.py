"""iCalendar (.ics) files of an event: one VEVENT per day, at the day's main site."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import Event


def event_ics(event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//ANPP//Portail ANPP//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    sites = list(event.sites.all())
    for day in event.days.all():
        site = day.site or (sites[0] if sites else None)
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}-day-{day.pk}@anpp")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", day.starts_at_datetime())
        entry.add("dtend", day.ends_at_datetime())
        entry.add("summary", event.title)
        entry.add("description", event.description)
        entry.add("url", settings.SITE_URL + event.get_absolute_url())
        if site is not None:
            entry.add("location", f"{site.name}, {' '.join(site.address.split())}, {site.city}")
        calendar.add_component(entry)
    return calendar.to_ical()


def ics_filename(event: Event) -> str:
    return f"{event.slug}.ics"
