"""Issue 27, point 6: the admin as staff read it. French names in the superusers' section, a join
request decided from its own page, a registration's page showing each participant's days and
ateliers without raw id fields, and no JSON where staff read choices, email headers or arguments."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from anpp_portal import outbox
from anpp_portal.models import OutboundEmail
from events import services as event_services
from members import services as member_services
from members.models import JoinRequest, Question, Territory

from ..events.factories import EventFactory, add_atelier
from ..events.helpers import person
from ..factories import StaffFactory, UserFactory
from ..members.fiche_factories import FicheCampaignFactory

pytestmark = pytest.mark.django_db

JSON_LIKE = re.compile(r'[\[{]\s*"|\[\[')


def _text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<textarea\b.*?</textarea>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_superusers_section_names_every_model_in_french(client):
    from django_celery_beat.models import CrontabSchedule

    CrontabSchedule.objects.create(minute="0", hour="7")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    index = _text(client.get(reverse("admin:index")))
    for wrong in ("Authenticators", "Crontabs", "Intervales", "Tâches périodique ", "Tâches Périodique"):
        assert wrong not in index, wrong
    for right in ("Authentificateurs", "Planifications cron", "Intervalles", "Tâches périodiques"):
        assert right in index, right
    crontabs = _text(client.get(reverse("admin:django_celery_beat_crontabschedule_changelist")))
    assert "Human readable" not in crontabs and "En clair" in crontabs


def test_a_join_request_is_accepted_from_its_own_page(client):
    staff = StaffFactory()
    join = JoinRequest.objects.create(
        territory_name="Pays fictif du Val-Exemple",
        kind=Territory.Kind.PETR,
        siren="200000172",
        population=45000,
        first_name="Camille",
        last_name="Exemple",
        function="Directrice",
        email="camille@val-exemple.test",
    )
    from members.models import Department

    join.departments.set(Department.objects.filter(code="16"))
    client.force_login(staff)
    page = client.get(reverse("admin:members_joinrequest_change", args=[join.pk])).content.decode()
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    actions = {
        re.search(r'name="action" value="(\w+)"', body).group(1): url
        for url, body in forms
        if "action" in body
    }
    assert set(actions) == {"approve", "refuse"}
    assert "Accepter : créer le territoire et inviter le demandeur" in page and "Refuser" in page
    response = client.post(
        actions["approve"], {"action": "approve", "_selected_action": join.pk}, follow=True
    )
    assert response.status_code == 200
    join.refresh_from_db()
    assert join.status == JoinRequest.Status.APPROVED and join.territory.name == "Pays fictif du Val-Exemple"
    # Decided: no more buttons.
    page = client.get(reverse("admin:members_joinrequest_change", args=[join.pk])).content.decode()
    assert 'value="approve"' not in page


def test_a_registrations_page_shows_days_and_ateliers_and_no_raw_id_field(client, territory_a, referent_a):
    event = EventFactory(capacity=10)
    day1, _day2 = event.days.order_by("date")
    atelier = add_atelier(event, day=day1, title="Atelier circuits courts")
    outcome = event_services.registration_create(
        event=event, by=referent_a, territory=territory_a, participants=[person(1, event, sessions=[atelier])]
    )
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:events_registration_change", args=[outcome.registration.pk]))
    body = response.content.decode()
    text = _text(response)
    assert "vForeignKeyRawIdAdminField" not in body
    assert "Atelier circuits courts" in text and "journées et ateliers" in text.lower()
    from django.utils.formats import date_format

    assert date_format(day1.date, "l j F") in text
    assert "Ajouter un objet" not in text and "supplémentaire" not in text


def test_a_frozen_questionnaire_shows_its_choices_as_lines_not_json(client, territory_a, referent_a):
    today = timezone.localdate()
    campaign = FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=60),
    )
    member_services.fiche_open(territory=territory_a, campaign=campaign, by=referent_a)  # frozen now
    question = Question.objects.filter(section__campaign=campaign, key="forme_juridique").get()
    client.force_login(StaffFactory())
    for url in [
        reverse("admin:members_question_change", args=[question.pk]),
        reverse("admin:members_questionnairesection_change", args=[question.section_id]),
    ]:
        text = _text(client.get(url))
        assert "petr | PETR" in text, url
        assert not JSON_LIKE.search(text), (url, JSON_LIKE.search(text))


def test_an_outbound_emails_page_shows_no_json(client):
    outbox.email_enqueue(
        key="exemple:json",
        to="personne@exemple.fr",
        rendered=outbox.RenderedEmail(subject="Exemple", text="Bonjour", html=""),
        headers={"Reply-To": "contact@anpp.fr"},
        attachments=[outbox.Attachment("appel.pdf", b"%PDF-1.4", "application/pdf")],
    )
    email = OutboundEmail.objects.get(key="exemple:json")
    client.force_login(StaffFactory())  # staff read the outbox day to day (« Équipe ANPP »)
    text = _text(client.get(reverse("admin:anpp_portal_outboundemail_change", args=[email.pk])))
    assert "Reply-To : contact@anpp.fr" in text and "appel.pdf : application/pdf" in text
    assert not JSON_LIKE.search(text), JSON_LIKE.search(text)


def test_beats_arguments_are_typed_and_read_as_lines_not_json(client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_day = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    task = PeriodicTask.objects.create(
        name="Relances (exemple)",
        task="members.tasks.adhesion_reminders",
        interval=every_day,
        args='[30, "rappel"]',
        kwargs='{"jours": 15}',
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    page = client.get(url).content.decode()
    args = re.search(r'<textarea[^>]*name="args"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    kwargs = re.search(r'<textarea[^>]*name="kwargs"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert html.unescape(args).strip() == "30\nrappel" and html.unescape(kwargs).strip() == "jours : 15"
    assert "arguments positionnels" in page.lower() and "nom de la tâche" in page.lower()
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"args": "7\nrelance", "kwargs": "jours : 30", "_save": "1"})
    for name in ("last_run_at", "start_time", "expires"):
        data.pop(name, None)
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    task.refresh_from_db()
    assert task.args == '[7, "relance"]' and task.kwargs == '{"jours": 30}'
