"""Every email of the portal as its reader sees it: each kind the outbox sends and allauth's, sent
for a territory whose name has an apostrophe and accents (« PETR du Pays de l'Œuvre-Évreux Sud »),
then read — subject, text and HTML — for HTML escapes, empty placeholders and non-French formats.

Which templates each test must render is listed in ``EXPECTED``; a test checks that the list is every
``*_subject.txt`` of the project, so a new email is read here or this test fails."""

import datetime
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from anpp_portal.formats import format_euros
from events import services as event_services
from events.models import Participant
from members import services as member_services
from members.models import Department, JoinRequest, Role
from publications import services as publication_services
from publications.models import Issue, Subscriber

from .events.factories import EventFactory, add_atelier
from .events.helpers import person
from .factories import PASSWORD, MembershipFactory, StaffFactory, TerritoryFactory, UserFactory
from .members.adhesion_factories import CampaignFactory
from .members.fiche_factories import COMPLETE_ANSWERS, FicheCampaignFactory
from .publications.factories import ArticleFactory, IssueFactory
from .reading import problems

pytestmark = pytest.mark.django_db

NAME = "PETR du Pays de l'Œuvre-Évreux Sud"

EXPECTED = {
    "join": {
        "members/email/join_confirm",
        "members/email/join_received",
        "members/email/join_approved",
        "members/email/join_refused",
    },
    "adhesion": {
        "members/email/invitation",
        "members/email/adhesion_reminder_not_submitted",
        "members/email/adhesion_submitted",
        "members/email/adhesion_returned",
        "members/email/adhesion_called",
        "members/email/adhesion_reminder_unpaid",
        "members/email/adhesion_payment",
        "members/email/adhesion_paid",
        "members/email/adhesion_cancelled",
    },
    "fiche": {
        "members/email/fiche_reminder_not_started",
        "members/email/fiche_reminder_not_submitted",
        "members/email/fiche_submitted",
    },
    "survey": {"members/email/survey_reminder", "members/email/survey_submitted"},
    "events": {
        "events/email/confirmation",
        "events/email/waiting",
        "events/email/recap",
        "events/email/already_registered",
        "events/email/cancellation",
        "events/email/promotion",
        "events/email/atelier_promotion",
        "events/email/reminder",
        "events/email/staff_message",
    },
    "publications": {"publications/email/newsletter_confirm", "publications/email/issue_announcement"},
    "resources": {"resources/email/note_published"},
    "legal": {"legal/email/reply"},
    "accounts": {
        "account/email/email_confirmation_signup",
        "account/email/email_confirmation",
        "account/email/account_already_exists",
        "account/email/password_reset_key",
        "account/email/unknown_account",
        "account/email/password_changed",
    },
}


def read(message) -> list[str]:
    """What is wrong in ``message`` as its reader sees it (subject, text, and the HTML's text)."""
    found = [f"subject {p}" for p in problems(message.subject)]
    found += [f"text {p}" for p in problems(message.body)]
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            if re.search(r"&amp;(?:#x?[0-9a-fA-F]+|amp|quot|lt|gt);", content):
                found.append("html: escaped twice")
            found += [f"html {p}" for p in problems(html.unescape(strip_tags(content)))]
    return found


@pytest.fixture
def rendered():
    """The email templates rendered during the test (by their prefix, from their subject)."""
    names = set()

    def record(sender, template, context, **kwargs):
        if template.name and template.name.endswith("_subject.txt"):
            names.add(template.name.removesuffix("_subject.txt"))

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def territory(db):
    return TerritoryFactory(name=NAME, slug="oeuvre-evreux-sud", population=52480)


@pytest.fixture
def referent(territory):
    return MembershipFactory(territory=territory, role=Role.REFERENT).user


def assert_read_well(messages, *, naming_the_territory: bool = True):
    assert messages, "no email was sent"
    report = {f"{m.subject} → {m.to[0]}": read(m) for m in messages}
    assert {subject: found for subject, found in report.items() if found} == {}
    if naming_the_territory:
        assert all(NAME in m.subject or NAME in m.body for m in messages), [m.subject for m in messages]


def test_the_list_of_emails_read_here_is_every_email_of_the_portal():
    on_disk = {
        str(path.relative_to(Path(settings.BASE_DIR) / "templates")).removesuffix("_subject.txt")
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*_subject.txt")
    }
    portal = set().union(*(names for area, names in EXPECTED.items() if area != "accounts"))
    assert portal == on_disk


def test_join_request_emails_read_well(staff, send_outbox, rendered):
    departments = list(Department.objects.filter(code__in=["27"]))
    common = {
        "kind": "petr",
        "departments": departments,
        "population": 52480,
        "first_name": "Hélène",
        "last_name": "D'Aubigné",
        "function": "Directrice",
    }
    accepted = member_services.join_request_create(
        territory_name=NAME, siren="200070498", email="helene@oeuvre.test", **common
    )
    refused = member_services.join_request_create(
        territory_name=NAME + " bis", siren="200041556", email="autre@oeuvre.test", **common
    )
    # The confirmation link's email repeats nothing the requester typed (not even the name).
    confirmations = send_outbox()
    assert_read_well(confirmations, naming_the_territory=False)
    for request in (accepted, refused):
        token = member_services.join_request_confirm_url(request).rstrip("/").rsplit("/", 1)[-1]
        member_services.join_request_confirm(token=token)
    accepted.refresh_from_db()
    refused.refresh_from_db()
    member_services.join_request_approve(join_request=accepted, by=staff)
    member_services.join_request_refuse(
        join_request=refused, by=staff, message="Ce territoire relève d'une métropole : écrivez-nous."
    )
    assert JoinRequest.objects.filter(status=JoinRequest.Status.APPROVED).count() == 1
    assert_read_well(send_outbox()[len(confirmations) :])
    assert rendered == EXPECTED["join"]


def test_adhesion_emails_read_well(territory, referent, staff, send_outbox, rendered, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    opens = datetime.date(2018, 1, 15)
    campaign = CampaignFactory(
        year=2018, opens_on=opens, reminder_days_without_submission=[15], reminder_days_unpaid=[30]
    )
    member_services.invitation_create(
        territory=territory, email="nouvelle@oeuvre.test", role=Role.MEMBRE, invited_by=referent
    )
    member_services.adhesion_reminders_send(today=opens + datetime.timedelta(days=15))
    adhesion = member_services.adhesion_open(territory=territory, campaign=campaign, by=referent, today=opens)
    data = {
        "signatory_name": "Hélène D'Aubigné",
        "signatory_role": "Présidente",
        "billing_contact_email": "compta@oeuvre.test",
        "billing_address": f"{NAME}\n1 place de l'Église\n27000 Évreux",
        "population": 52480,
    }
    member_services.adhesion_save(adhesion=adhesion, data=data, by=referent)
    member_services.adhesion_submit(adhesion=adhesion, by=referent, today=opens)
    member_services.adhesion_return_to_draft(
        adhesion=adhesion,
        by=staff,
        message="L'adresse de facturation « 1 place de l'Église » manque d'un code.",
    )
    member_services.adhesion_submit(adhesion=adhesion, by=referent, today=opens)
    adhesion = member_services.adhesion_validate(adhesion=adhesion, by=staff)
    member_services.adhesion_documents_render(adhesion_id=adhesion.pk)
    adhesion.refresh_from_db()
    campaign.closes_on = opens
    campaign.save()
    issued = timezone.localdate(adhesion.call_issued_at)
    member_services.adhesion_reminders_send(today=issued + datetime.timedelta(days=30))
    for amount in (Decimal("1000.50"), adhesion.amount - Decimal("1000.50")):
        member_services.payment_record(
            adhesion=adhesion, paid_on=issued, amount=amount, method="virement", reference="VIR", by=staff
        )
    member_services.adhesion_documents_render(adhesion_id=adhesion.pk)

    other = TerritoryFactory(name="Pays d'Étampes", slug="pays-d-etampes")
    MembershipFactory(territory=other, role=Role.REFERENT)
    cancelled = member_services.adhesion_open(territory=other, campaign=campaign, by=staff, today=opens)
    member_services.adhesion_cancel(adhesion=cancelled, by=staff, reason="Adhésion saisie en double.")

    sent = send_outbox()
    assert_read_well([m for m in sent if "Étampes" not in m.subject])
    assert_read_well([m for m in sent if "Étampes" in m.subject], naming_the_territory=False)
    assert rendered == EXPECTED["adhesion"]
    assert any("2 624 €" in m.subject or "2 624,00 €" in m.body for m in sent)  # 52 480 × 0,05 €


def test_fiche_emails_read_well(territory, referent, send_outbox, rendered):
    opens = datetime.date(2018, 3, 1)
    campaign = FicheCampaignFactory(
        year=2018, opens_on=opens, reminder_days_not_started=[15], reminder_days_not_submitted=[30]
    )
    other = TerritoryFactory(name="Pays d'Étampes", slug="pays-d-etampes")
    other_referent = MembershipFactory(territory=other, role=Role.REFERENT).user
    member_services.fiche_reminders_send(today=opens + datetime.timedelta(days=15))
    fiche = member_services.fiche_open(territory=territory, campaign=campaign, by=referent, today=opens)
    started = member_services.fiche_open(territory=other, campaign=campaign, by=other_referent, today=opens)
    member_services.fiche_reminders_send(today=opens + datetime.timedelta(days=30))
    fiche = member_services.fiche_save_section(
        fiche=fiche, answers=COMPLETE_ANSWERS, version=fiche.version, by=referent
    )
    member_services.fiche_submit(fiche=fiche, by=referent)
    assert started.pk
    sent = send_outbox()
    assert_read_well([m for m in sent if other_referent.email not in m.to])
    assert_read_well([m for m in sent if other_referent.email in m.to], naming_the_territory=False)
    assert rendered == EXPECTED["fiche"]


def test_survey_emails_read_well(territory, referent, send_outbox, rendered):
    from members.models import Survey
    from members.services.questionnaire import questionnaire_from_definition

    from .members.adhesion_factories import make_member

    make_member(territory)
    opens = timezone.localdate() - datetime.timedelta(days=20)
    survey = Survey.objects.create(
        kind=Survey.Kind.ENQUETE,
        title="Enquête fictive sur l'eau & les contrats",
        year=opens.year,
        opens_on=opens,
        closes_on=opens + datetime.timedelta(days=60),
        reminder_days_not_started=[10],
    )
    questionnaire_from_definition(
        campaign=survey,
        definition=[
            {
                "slug": "eau",
                "title": "L'eau",
                "questions": [{"key": "budget_eau", "label": "Budget « eau »", "kind": "amount"}],
            }
        ],
    )
    member_services.survey_reminders_send()
    answer = member_services.survey_response_open(territory=territory, survey=survey, by=referent)
    answer = member_services.fiche_save_section(
        fiche=answer, answers={"budget_eau": "1234.50"}, version=answer.version, by=referent
    )
    member_services.fiche_submit(fiche=answer, by=referent)
    sent = send_outbox()
    assert_read_well(sent)
    assert rendered == EXPECTED["survey"]
    assert any(format_euros(Decimal("1234.50")) in m.body for m in sent)


def test_event_emails_read_well(territory, referent, staff, send_outbox, rendered):
    event = EventFactory(
        title="Rencontres de l'ingénierie territoriale",
        capacity=2,
        reminder_offsets=[7],
        price_member=Decimal("1250.50"),
    )
    atelier = add_atelier(event, capacity=1, title="L'eau & les territoires")
    first, second, third = (person(n, event) for n in range(3))
    first.sessions = [atelier]
    second.sessions = [atelier]
    outcome = event_services.registration_create(
        event=event, by=referent, territory=territory, participants=[first, second, third]
    )
    assert len(outcome.waiting) == 1
    # The same address again: its owner is told, the form answers as for any address.
    event_services.registration_create(
        event=event, by=referent, territory=territory, participants=[person(0, event)]
    )
    # The first cancels: the waiting person gets the seat, the second the atelier.
    event_services.participant_cancel(participant=outcome.confirmed[0], by=referent)
    event_services.event_message_send(
        event=event,
        statuses=[Participant.Status.CONFIRMED],
        subject="Programme de l'après-midi & accès",
        body="Rendez-vous à l'accueil « Salle des fêtes » dès 9 h 30.",
        key="programme",
        by=staff,
    )
    event_services.reminders_send(
        now=timezone.make_aware(
            datetime.datetime.combine(
                event.days.order_by("date").first().date - datetime.timedelta(days=7), datetime.time(9)
            )
        )
    )
    sent = send_outbox()
    assert_read_well(sent, naming_the_territory=False)
    assert any(NAME in m.body for m in sent)
    assert rendered == EXPECTED["events"]


def test_publication_emails_read_well(send_outbox, rendered, django_capture_on_commit_callbacks):
    subscriber = publication_services.subscriber_subscribe(email="lecteur@oeuvre.test")
    publication_services.subscriber_confirm(token=Subscriber.objects.get(pk=subscriber.pk).token)
    issue = IssueFactory(
        number=7, title="L'ingénierie des territoires & la ruralité", status=Issue.Status.DRAFT
    )
    ArticleFactory(issue=issue, title="Le Pays de l'Œuvre-Évreux Sud « en transition »")
    with django_capture_on_commit_callbacks(execute=True):  # the announcement starts after the commit
        publication_services.issue_publish(issue=issue)
    assert_read_well(send_outbox(), naming_the_territory=False)
    assert rendered == EXPECTED["publications"]


def test_account_emails_read_well_and_name_the_portal(client, send_outbox, rendered):
    client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (X11; Linux x86_64) Chromium"  # told in notifications
    signup = {
        "first_name": "Hélène",
        "last_name": "D'Aubigné",
        "email": "helene@oeuvre.test",
        "password1": "un mot de passe solide",
        "password2": "un mot de passe solide",
    }
    user = UserFactory(email="claire@oeuvre.test")  # with a verified address
    assert client.post(reverse("account_signup"), signup).status_code == 302
    taken = {**signup, "email": user.email}
    assert client.post(reverse("account_signup"), taken).status_code == 302  # its owner is told
    client.post(reverse("account_reset_password"), {"email": user.email})
    client.post(reverse("account_reset_password"), {"email": "inconnu@oeuvre.test"})
    client.force_login(user)
    changed = {
        "oldpassword": PASSWORD,
        "password1": "un autre mot de passe",
        "password2": "un autre mot de passe",
    }
    assert client.post(reverse("account_change_password"), changed).status_code == 302
    sent = send_outbox()
    assert_read_well(sent, naming_the_territory=False)
    assert all("Bonjour, c'est Portail ANPP !" in m.body for m in sent), [m.body[:80] for m in sent]
    assert rendered == EXPECTED["accounts"]
    assert mail.outbox


def test_note_and_legal_reply_emails_read_well(territory, referent, staff, send_outbox, rendered):
    from legal import services as legal_services
    from resources import services as resources_services
    from resources.models import Note, Theme

    from .members.adhesion_factories import make_member

    make_member(territory)
    theme = Theme.objects.create(name="Mobilités et services", slug="mobilites-et-services")
    resources_services.themes_follow_set(user=referent, themes=[theme])
    note = resources_services.note_save(
        note=Note(
            kind=Note.Kind.ANALYSIS,
            title=f"Exemple fictif : la mobilité au {NAME}",
            date=datetime.date(2026, 6, 1),
            summary="Résumé d'une note fictive de 1 234 mots.",
            body="Texte fictif.",
            visibility=Note.Visibility.MEMBERS,
        ),
        themes=[theme],
    )
    resources_services.note_publish(note=note)
    resources_services.note_announce(note_id=note.pk)
    question = legal_services.question_ask(
        territory=territory, user=referent, subject="Congé de mobilité d'un agent", text="Question ?"
    )
    legal_services.message_add(question=question, author=staff, text="Réponse de l'équipe.", from_staff=True)
    sent = send_outbox()
    assert len(sent) == 2
    assert_read_well(sent)
    assert rendered == EXPECTED["resources"] | EXPECTED["legal"]
