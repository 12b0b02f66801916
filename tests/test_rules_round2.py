"""Rules a person relies on, each built with two of everything (issue 28): two languages and two
roles for the kept fragments, three years of fiches, two values of the invitations' lifetime, a
référent who is also the billing contact. Each rule was broken by hand and this file failed
(tests/MUTANTS.md, "Round 2")."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import FicheRenseignements, Role

from .factories import MembershipFactory, UserFactory
from .members.adhesion_factories import CampaignFactory
from .members.fiche_factories import COMPLETE_ANSWERS, FicheCampaignFactory
from .members.test_adhesions import filled

pytestmark = pytest.mark.django_db


# --- Kept fragments: the person's language and rights, whoever came first -----------------------


def _client(user, language):
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


@pytest.mark.parametrize("first", ["fr", "en"])
def test_a_kept_territory_page_is_shown_in_each_persons_own_language_whoever_came_first(
    territory_a, referent_a, first
):
    colleague = MembershipFactory(territory=territory_a, role=Role.REFERENT).user
    clients = {"fr": _client(referent_a, "fr"), "en": _client(colleague, "en")}
    url = f"/territoire/{territory_a.slug}/"
    order = [first, "en" if first == "fr" else "fr"]
    pages = {}
    for language in order + order:  # each twice: the second view is served from what was kept
        response = clients[language].get(url)
        assert response.status_code == 200
        assert response["Content-Language"] == language
        pages.setdefault(language, []).append(response.content.decode())
    for html in pages["fr"]:
        assert "Personnes du territoire" in html and "Inviter une personne" in html
        assert "The territory's people" not in html and "Invite a person" not in html
    for html in pages["en"]:
        assert "The territory's people" in html and "Invite a person" in html
        assert "Personnes du territoire" not in html and "Inviter une personne" not in html


@pytest.mark.parametrize("first", ["referent", "membre"])
def test_a_member_never_sees_a_referents_forms_and_a_referent_never_loses_them(
    territory_a, territory_b, referent_a, first
):
    member = MembershipFactory(territory=territory_a, role=Role.MEMBRE).user
    # The same person is référent of B and a plain member of A: rights are per territory.
    MembershipFactory(territory=territory_b, role=Role.REFERENT, user=member)
    clients = {"referent": _client(referent_a, "fr"), "membre": _client(member, "fr")}
    url = f"/territoire/{territory_a.slug}/"
    order = [first, "membre" if first == "referent" else "referent"]
    for who in order + order:
        html = clients[who].get(url).content.decode()
        if who == "referent":
            assert "Inviter une personne" in html and "Changer le rôle" in html
        else:
            assert "Inviter une personne" not in html and "Changer le rôle" not in html
            assert "Personnes du territoire" in html  # the member sees the people, not the forms
    # On B, where the member is référent, they manage people.
    html = clients["membre"].get(f"/territoire/{territory_b.slug}/").content.decode()
    assert "Inviter une personne" in html


# --- The fiche prefills from the latest submitted year -----------------------------------------


def _open(territory, year, by):
    campaign = FicheCampaignFactory(year=year)
    return services.fiche_open(
        territory=territory, campaign=campaign, by=by, today=datetime.date(year, 3, 10)
    )


def _submit(fiche, by, **answers):
    fiche = services.fiche_save_section(
        fiche=fiche, answers={**COMPLETE_ANSWERS, **answers}, version=fiche.version, by=by
    )
    return services.fiche_submit(fiche=fiche, by=by)


def test_a_fiche_prefills_from_the_latest_submitted_year_never_an_older_one(
    territory_a, referent_a, territory_b, referent_b
):
    _submit(_open(territory_a, 2016, referent_a), referent_a, projets_phares="Projet de 2016")
    _submit(_open(territory_a, 2017, referent_a), referent_a, projets_phares="Projet de 2017")
    # B's later fiche must not leak into A's, and A's 2018 draft (never submitted) is not a source.
    _submit(_open(territory_b, 2017, referent_b), referent_b, projets_phares="Projet de B")
    draft = _open(territory_a, 2018, referent_a)
    services.fiche_save_section(
        fiche=draft, answers={"projets_phares": "Brouillon 2018"}, version=draft.version, by=referent_a
    )
    fiche_2019 = _open(territory_a, 2019, referent_a)
    assert fiche_2019.answers["projets_phares"] == "Projet de 2017"
    assert fiche_2019.baseline["projets_phares"] == "Projet de 2017"
    fiche_2019_b = _open(territory_b, 2019, referent_b)
    assert fiche_2019_b.answers["projets_phares"] == "Projet de B"
    assert FicheRenseignements.objects.get(territory=territory_a, campaign__year=2018).status == "brouillon"


# --- Invitations expire after ANPP_INVITATION_VALID_DAYS days, not a day later ---------------------


@pytest.mark.parametrize("days", [14, 3])
def test_an_invitation_works_until_its_last_day_and_not_a_day_later(
    territory_a, referent_a, settings, monkeypatch, days
):
    settings.ANPP_INVITATION_VALID_DAYS = days
    sent_at = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: sent_at)
    invitation = services.invitation_create(
        territory=territory_a, email="nouvelle@pays-a.fr", role=Role.MEMBRE, invited_by=referent_a
    )
    assert invitation.expires_at == sent_at + datetime.timedelta(days=days)
    late = UserFactory(email="nouvelle@pays-a.fr")
    # The last minute of its last day: it still works for a first person…
    monkeypatch.setattr(timezone, "now", lambda: sent_at + datetime.timedelta(days=days, minutes=-1))
    assert invitation.is_usable()
    # …and a day later, it is refused.
    monkeypatch.setattr(timezone, "now", lambda: sent_at + datetime.timedelta(days=days, minutes=1))
    assert not invitation.is_usable()
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(invitation=invitation, user=late)
    monkeypatch.setattr(timezone, "now", lambda: sent_at + datetime.timedelta(days=days + 1))
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(invitation=invitation, user=late)


def test_an_invitation_accepted_on_its_last_day_makes_the_person_a_member(
    territory_a, referent_a, settings, monkeypatch
):
    settings.ANPP_INVITATION_VALID_DAYS = 5
    sent_at = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: sent_at)
    invitation = services.invitation_create(
        territory=territory_a, email="tardive@pays-a.fr", role=Role.MEMBRE, invited_by=referent_a
    )
    monkeypatch.setattr(timezone, "now", lambda: sent_at + datetime.timedelta(days=5, minutes=-1))
    membership = services.invitation_accept(
        invitation=invitation, user=UserFactory(email="tardive@pays-a.fr")
    )
    assert membership.territory == territory_a and membership.role == Role.MEMBRE


# --- Each reminder reaches each address once per step --------------------------------------------


@pytest.mark.parametrize("billing", ["direction@pays-a.test", "Direction@Pays-A.test"])
def test_a_referent_who_is_also_the_billing_contact_gets_one_unpaid_reminder_per_step(
    territory_a, referent_a, staff, send_outbox, settings, tmp_path, billing
):
    settings.MEDIA_ROOT = tmp_path
    opens = datetime.date(2018, 1, 15)
    campaign = CampaignFactory(year=2018, opens_on=opens, reminder_days_without_submission=[15, 30])
    director = MembershipFactory(
        territory=territory_a, role=Role.REFERENT, user__email="Direction@Pays-A.test"
    ).user
    adhesion = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=opens)
    filled(adhesion, referent_a, billing_contact_email=billing, billing_contact_name="Direction")
    services.adhesion_submit(adhesion=adhesion, by=referent_a, today=opens)
    adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
    send_outbox()
    mail.outbox.clear()
    campaign.closes_on = opens
    campaign.save()
    issued = timezone.localdate(adhesion.call_issued_at)
    for step in (30, 60):
        services.adhesion_reminders_send(today=issued + datetime.timedelta(days=step))
        services.adhesion_reminders_send(today=issued + datetime.timedelta(days=step))  # beat again
    services.adhesion_remind_now(adhesion=adhesion, by=staff, today=issued + datetime.timedelta(days=61))
    sent = [m.to[0].lower() for m in send_outbox()]
    # Two automatic steps and one asked by staff: three each, never a fourth, never twice a step.
    assert sorted(sent) == sorted([director.email.lower(), referent_a.email.lower()] * 3)
    assert adhesion.amount > Decimal("0")


def test_a_person_referent_of_two_territories_gets_each_territorys_fiche_reminder_once(
    territory_a, territory_b, referent_a, send_outbox
):
    MembershipFactory(territory=territory_b, role=Role.REFERENT, user=referent_a)
    campaign = FicheCampaignFactory(year=2018, reminder_days_not_started=[15, 30])
    day = campaign.opens_on + datetime.timedelta(days=15)
    services.fiche_reminders_send(today=day)
    services.fiche_reminders_send(today=day)
    sent = send_outbox()
    assert sorted(m.to[0] for m in sent) == [referent_a.email] * 2
    assert sorted(territory.name in m.body for m in sent for territory in (territory_a, territory_b)) == [
        False,
        False,
        True,
        True,
    ]


# --- A document URL serves only the document it names --------------------------------------------


def test_a_document_url_serves_only_the_territory_year_and_kind_it_names(
    territory_a,
    referent_a,
    territory_b,
    referent_b,
    staff,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    documents = {}
    for year in (2017, 2018):
        campaign = CampaignFactory(
            year=year, opens_on=datetime.date(year, 1, 15), closes_on=datetime.date(year, 12, 31)
        )
        for territory, referent in ((territory_a, referent_a), (territory_b, referent_b)):
            adhesion = services.adhesion_open(
                territory=territory, campaign=campaign, by=referent, today=datetime.date(year, 2, 1)
            )
            filled(adhesion, referent)
            services.adhesion_submit(adhesion=adhesion, by=referent, today=datetime.date(year, 2, 1))
            with django_capture_on_commit_callbacks(execute=True):
                adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
            documents[(territory.slug, year)] = adhesion
    client = _client(referent_a, "fr")
    for year in (2017, 2018):
        url = reverse("members:adhesion_call_pdf", kwargs={"slug": territory_a.slug, "year": year})
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        number = documents[(territory_a.slug, year)].call_number
        assert number.encode() in body or _pdf_text_has(body, number), (year, number)
        other = documents[(territory_a.slug, 2018 if year == 2017 else 2017)].call_number
        assert not _pdf_text_has(body, other)
        # The attestation of an unpaid year does not exist: never another year's or the appel.
        attestation = reverse(
            "members:adhesion_attestation_pdf", kwargs={"slug": territory_a.slug, "year": year}
        )
        assert client.get(attestation).status_code == 404
        # B's URL with A's person: a 404, whatever the year.
        assert (
            client.get(
                reverse("members:adhesion_call_pdf", kwargs={"slug": territory_b.slug, "year": year})
            ).status_code
            == 404
        )


def _pdf_text_has(body: bytes, text: str) -> bool:
    import io

    from pypdf import PdfReader

    return any(text in (page.extract_text() or "") for page in PdfReader(io.BytesIO(body)).pages)
