import csv
import io
import re
from collections import Counter

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from anpp_portal.pdf import url_fetcher
from events import services
from events.models import Event, Participant, Site

from .factories import EventFactory, ParticipantFactory, RegistrationFactory, add_atelier
from .helpers import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_event(staff, territory_a):
    event = EventFactory(capacity=200)
    Site.objects.create(
        event=event, name="Hôtel de région", address="22 boulevard du Maréchal Juin", city="Toulouse"
    )
    services.registration_create(
        event=event, by=staff, territory=territory_a, participants=[person(i, event) for i in range(50)]
    )
    for batch in range(1, 4):
        services.registration_create(
            event=event, by=staff, participants=[person(batch * 50 + i, event) for i in range(50)]
        )
    return event


def _served_pdf(client, name, event):
    response = client.get(reverse(f"events:{name}", kwargs={"slug": event.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_badges_and_signin_sheets_are_produced_for_two_hundred_participants(client, staff, big_event):
    # One more person than seats: on the waiting list, so on neither document.
    services.registration_create(event=big_event, by=staff, participants=[person(999, big_event)])
    client.force_login(staff)
    badges, text = _served_pdf(client, "badges", big_event)
    # 200 badges of 95×55 mm, 10 per A4 page, each with the person's name.
    assert len(badges.pages) == 20
    assert sorted(re.findall(r"Prénom(\d+)\s+NOM(\d+)\b", text)) == sorted(
        (str(n), str(n)) for n in range(200)
    )
    assert "NOM999" not in text
    # One sheet per day (each day has its main site), every confirmed person on each, once.
    sheets, text = _served_pdf(client, "signin_sheets", big_event)
    assert len(sheets.pages) >= 2 * 5
    assert Counter(re.findall(r"\bNOM(\d+)\b", text)) == {str(n): 2 for n in range(200)}
    assert "NOM999" not in text


def test_the_pdf_fetcher_reads_only_static_and_media_files():
    assert url_fetcher("http://127.0.0.1:8000/static/css/portal.css").read().startswith(b"/*")
    for url in [
        "file:///etc/passwd",
        "https://example.org/x.css",
        "/static/../anpp_portal/settings.py",
        "/media/../../etc/passwd",
    ]:
        with pytest.raises(ValueError):
            url_fetcher(url)


def test_the_check_in_page_finds_a_name_and_marks_presence_for_the_day(client, staff):
    event = EventFactory()
    day1, day2 = event.days.order_by("date")
    participant = ParticipantFactory(registration=RegistrationFactory(event=event), last_name="Lagarde")
    participant.days.set([day1])
    ParticipantFactory(registration=RegistrationFactory(event=event), last_name="Martin").days.set([day1])
    client.force_login(staff)
    url = reverse("events:checkin_day", kwargs={"slug": event.slug, "day_pk": day1.pk})
    body = client.get(url, {"q": "laga"}).content.decode()
    assert "LAGARDE" in body and "MARTIN" not in body
    client.post(
        reverse(
            "events:checkin_mark",
            kwargs={"slug": event.slug, "day_pk": day1.pk, "participant_pk": participant.pk},
        ),
        {"q": "laga"},
    )
    assert list(participant.attendances.values_list("day", flat=True)) == [day1.pk]
    assert "Déjà pointé·e à" in client.get(url, {"q": "laga"}).content.decode()
    # The second day's page: not registered that day, no button to check in.
    other_day = reverse("events:checkin_day", kwargs={"slug": event.slug, "day_pk": day2.pk})
    assert "Pas inscrit·e ce jour" in client.get(other_day, {"q": "laga"}).content.decode()
    stats = client.get(reverse("events:statistics", kwargs={"slug": event.slug})).content.decode()
    assert "Présents (au moins un jour)</dt><dd>1</dd>" in stats


def test_the_check_in_page_answers_odd_input_without_an_error(client, staff):
    event = EventFactory()
    day = event.days.first()
    client.force_login(staff)
    url = reverse("events:checkin_day", kwargs={"slug": event.slug, "day_pk": day.pk})
    for query in ["\x00", "a\x00b"]:  # a NUL anywhere in a query string is refused before any view
        assert client.get(url, {"q": query}).status_code == 400
    for query in ["x" * 5000, "%00", "é" * 300]:
        assert client.get(url, {"q": query}).status_code == 200
    scan = reverse("events:checkin_scan", kwargs={"slug": event.slug, "day_pk": day.pk})
    for code in ["\x00", "1.abc:def", "x" * 5000, ""]:
        response = client.post(scan, {"code": code})
        assert response.status_code == 200 and response.json()["state"] == "unknown"


@pytest.mark.parametrize("size", [5, 60])
def test_the_check_in_search_runs_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries, size
):
    event = EventFactory(capacity=size)
    for start in range(0, size, 20):
        people = [person(n, event) for n in range(start, min(start + 20, size))]
        services.registration_create(event=event, by=staff, participants=people)
    client.force_login(staff)
    url = reverse("events:checkin_day", kwargs={"slug": event.slug, "day_pk": event.days.first().pk})
    # Session, user, 2FA, event, days, sites, the names matched (accents aside), participants, their
    # day and attendance, two counts, and the staff account's permissions (its own and its group's:
    # staff are not superusers).
    with django_assert_max_num_queries(14):
        response = client.get(url, {"q": "Nom1"})
    assert response.status_code == 200
    found = set(re.findall(r"\bNOM(\d+)\b", response.content.decode()))
    assert found == {str(n) for n in range(size) if str(n).startswith("1")}


def test_staff_pages_are_not_for_members(client, referent_a):
    event = EventFactory()
    client.force_login(referent_a)
    for name in ["checkin", "statistics", "badges", "signin_sheets", "staff_participants"]:
        response = client.get(reverse(f"events:{name}", kwargs={"slug": event.slug}))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _export(client, action):
    ids = list(Participant.objects.values_list("pk", flat=True))
    return client.post(
        reverse("admin:events_participant_changelist"), {"action": action, ACTION_CHECKBOX_NAME: ids}
    )


def test_exports_open_as_csv_and_xlsx_with_formulas_neutralised(client, staff):
    event = EventFactory()
    atelier = add_atelier(event)
    data = person(0, event, sessions=[atelier])
    data.last_name = '=HYPERLINK("http://evil")'
    data.dietary_needs = "@SUM(A1)"
    services.registration_create(event=event, by=staff, participants=[data])
    client.force_login(staff)
    response = _export(client, "export_csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Événement", "Nom", "Prénom"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][11] == "'@SUM(A1)"
    assert rows[1][9] == atelier.title
    workbook = load_workbook(io.BytesIO(_export(client, "export_xlsx").content))
    sheet = workbook.active
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["B2"].data_type == "s"


def test_the_admin_pages_open(client, staff):
    event = EventFactory()
    add_atelier(event)
    ParticipantFactory(registration=RegistrationFactory(event=event))
    client.force_login(staff)
    for url in [
        reverse("admin:events_event_changelist"),
        reverse("admin:events_event_change", args=[event.pk]),
        reverse("admin:events_participant_changelist") + "?status=confirmed&function=technicien",
        reverse("admin:events_participant_changelist") + f"?q=a&day={event.days.first().pk}",
        reverse("admin:events_registration_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_write_to_confirmed_participants_once_per_message(client, staff, send_outbox):
    event = EventFactory(capacity=1)
    services.registration_create(event=event, by=staff, participants=[person(0, event), person(1, event)])
    client.force_login(staff)
    url = reverse("admin:events_event_changelist")
    form = {"action": "write_to_participants", ACTION_CHECKBOX_NAME: [event.pk]}
    assert "Écrire aux participants" in client.post(url, form).content.decode()
    message = {
        **form,
        "send": "1",
        "message_key": "k1",
        "statuses": ["confirmed"],
        "subject": "Plan d'accès",
        "body": "Bus à 8h.",
    }
    client.post(url, message)
    client.post(url, message)  # sent twice by a double click
    sent = [m for m in send_outbox() if "Plan d'accès" in m.subject]
    assert [m.to for m in sent] == [["personne0@pays.test"]]
    assert "Bus à 8h." in sent[0].body
    assert mail.outbox


def test_raising_the_capacity_in_the_admin_promotes_the_waiting_list(rf, staff):
    from django.contrib.admin.sites import site
    from django.contrib.messages.storage.fallback import FallbackStorage

    event = EventFactory(capacity=1)
    services.registration_create(event=event, by=staff, participants=[person(0, event), person(1, event)])
    request = rf.post("/admin/")
    request.user = staff
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = site._registry[Event]
    form = model_admin.get_form(request, event)(instance=event)
    form.changed_data = ["capacity"]
    event.capacity = 2
    model_admin.save_model(request, event, form, change=True)
    assert Participant.objects.get(last_name="Nom1").status == "confirmed"
    assert Event.objects.get(pk=event.pk).capacity == 2
