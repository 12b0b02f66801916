"""A territory's year: joining, every adhésion step told by email, the year page, invitations that
survive browsers, forms that lose nothing, French numbers."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from anpp_portal.formats import parse_decimal
from anpp_portal.models import OutboundEmail
from members import services, views_join
from members.models import (
    Adhesion,
    AdhesionCampaign,
    Department,
    FeeBracket,
    FicheRenseignements,
    Invitation,
    JoinRequest,
    Role,
    Territory,
    TerritoryMembership,
)
from members.services import adhesions as adhesion_services

from ..factories import InvitationFactory, MembershipFactory, TerritoryFactory, UserFactory, valid_siren
from .adhesion_factories import CampaignFactory
from .fiche_factories import COMPLETE_ANSWERS, FicheCampaignFactory

pytestmark = pytest.mark.django_db

BILLING = "compta@pays-a.fr"


@pytest.fixture(autouse=True)
def _departments():
    """Loaded by a data migration; a browser test's flush may have emptied the table."""
    for code, name in (("16", "Charente"), ("86", "Vienne")):
        Department.objects.get_or_create(code=code, defaults={"name": name, "region": "75"})


@pytest.fixture
def open_campaign():
    today = timezone.localdate()
    return CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=30),
    )


def fill(adhesion, by):
    return services.adhesion_save(
        adhesion=adhesion,
        data={
            "population": 37533,
            "signatory_name": "Jean Dupont",
            "signatory_role": "Président du PETR",
            "billing_contact_name": "Service comptabilité",
            "billing_contact_email": BILLING,
            "billing_address": "PETR du Pays A\n1 place de la Mairie\n16700 Ruffec",
        },
        by=by,
    )


def deliver(send_outbox) -> list:
    """Deliver what the outbox holds; return only what this call sent."""
    before = len(mail.outbox)
    return send_outbox()[before:]


def by_recipient(messages) -> dict:
    return {m.to[0]: m for m in messages}


# --- Emails at every adhésion step -----------------------------------------------------------------


def test_every_adhesion_step_is_emailed_once_to_the_referents_and_the_billing_contact(
    territory_a, referent_a, staff, open_campaign, send_outbox, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    MembershipFactory(territory=territory_a, role=Role.MEMBRE)  # a plain member is not written to
    adhesion = fill(
        services.adhesion_open(territory=territory_a, campaign=open_campaign, by=referent_a), referent_a
    )
    everyone = {referent_a.email, BILLING}

    services.adhesion_submit(adhesion=adhesion, by=referent_a)
    submitted = by_recipient(deliver(send_outbox))
    assert set(submitted) == everyone
    for message in submitted.values():
        assert message.subject == f"[ANPP] Adhésion {open_campaign.year} de PETR du Pays A reçue par l'ANPP"
        assert "Population retenue : 37\u00a0533 habitants" in message.body
        assert "Cotisation : 1\u00a0877 €" in message.body and "Jean Dupont" in message.body

    services.adhesion_return_to_draft(adhesion=adhesion, by=staff, message="Merci de préciser le SIRET.")
    returned = by_recipient(deliver(send_outbox))
    assert set(returned) == everyone
    assert all("« Merci de préciser le SIRET. »" in m.body for m in returned.values())

    services.adhesion_submit(adhesion=adhesion, by=referent_a)
    assert set(by_recipient(deliver(send_outbox))) == everyone  # a second submission, a second recap
    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the appel is rendered after the commit
        adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
    called = by_recipient(send_outbox()[before:])
    assert set(called) == everyone
    for message in called.values():
        assert message.subject.startswith(
            f"[ANPP] Appel de cotisation {open_campaign.year} n° {adhesion.call_number}"
        )
        [(filename, content, mimetype)] = message.attachments
        assert filename == f"appel-{adhesion.call_number}.pdf" and mimetype == "application/pdf"
        assert content.startswith(b"%PDF")

    services.payment_record(
        adhesion=adhesion,
        paid_on=timezone.localdate(),
        amount=Decimal("1000"),
        method="mandat",
        reference="M-1",
        by=staff,
    )
    partial = by_recipient(deliver(send_outbox))
    assert set(partial) == everyone
    for message in partial.values():
        assert "paiement de 1 000 € reçu, reste 877 €" in message.subject
        assert "Mode : Mandat administratif" in message.body
        assert "Reste à payer : 877 €" in message.body and not message.attachments

    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the attestation, rendered after the commit
        services.payment_record(
            adhesion=adhesion,
            paid_on=timezone.localdate(),
            amount=Decimal("877"),
            method="virement",
            reference="",
            by=staff,
        )
    paid = by_recipient(send_outbox()[before:])
    assert set(paid) == everyone
    for message in paid.values():
        assert "réglée : votre attestation d'adhésion" in message.subject
        [(filename, content, mimetype)] = message.attachments
        assert filename == f"attestation-{open_campaign.year}-{territory_a.slug}.pdf"
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")

    # Sent once: relaying again sends nothing, and each step has one row per recipient.
    assert deliver(send_outbox) == []
    keys = list(
        OutboundEmail.objects.filter(key__startswith=f"adhesion:{adhesion.pk}:").values_list("key", flat=True)
    )
    assert len(keys) == len(set(keys)) == 2 * 6


def test_a_cancelled_adhesion_is_emailed_with_its_reason(
    territory_a, referent_a, staff, open_campaign, send_outbox
):
    adhesion = fill(
        services.adhesion_open(territory=territory_a, campaign=open_campaign, by=referent_a), referent_a
    )
    services.adhesion_cancel(adhesion=adhesion, by=staff, reason="Doublon de l'adhésion du syndicat mixte.")
    sent = by_recipient(deliver(send_outbox))
    assert set(sent) == {referent_a.email, BILLING}
    assert all("annulée" in m.subject and "Doublon de l'adhésion" in m.body for m in sent.values())


def test_the_billing_contact_who_is_a_referent_gets_one_copy(
    territory_a, referent_a, open_campaign, send_outbox
):
    adhesion = services.adhesion_open(territory=territory_a, campaign=open_campaign, by=referent_a)
    services.adhesion_save(
        adhesion=adhesion,
        data={
            "population": 37533,
            "signatory_name": "J",
            "signatory_role": "P",
            "billing_contact_email": referent_a.email.upper(),
            "billing_address": "A",
        },
        by=referent_a,
    )
    services.adhesion_submit(adhesion=adhesion, by=referent_a)
    assert [m.to for m in deliver(send_outbox)] == [[referent_a.email]]


# --- The territory's year page ---------------------------------------------------------------------


def test_the_year_page_shows_the_balance_each_payment_the_documents_and_the_next_steps(
    client, territory_a, referent_a, staff, open_campaign, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fiche_campaign = FicheCampaignFactory(
        year=open_campaign.year, opens_on=open_campaign.opens_on, closes_on=open_campaign.closes_on
    )
    adhesion = fill(
        services.adhesion_open(territory=territory_a, campaign=open_campaign, by=referent_a), referent_a
    )
    services.adhesion_submit(adhesion=adhesion, by=referent_a)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the appel is rendered after the commit
        adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
    services.payment_record(
        adhesion=adhesion,
        paid_on=datetime.date(open_campaign.year, 3, 2),
        amount=Decimal("1234.50"),
        method="cheque",
        reference="",
        by=staff,
    )
    FicheRenseignements.objects.create(
        territory=territory_a,
        campaign=fiche_campaign,
        answers={"nom": "PETR du Pays A", "siren": "200070498"},
    )
    client.force_login(referent_a)
    content = client.get(territory_a.get_absolute_url()).content.decode()
    assert "Reste à payer" in content and "642,50 €" in content and "1\u00a0234,50 €" in content
    assert "2 mars" in content and "Chèque" in content
    assert escape(f"Régler l'appel n° {adhesion.call_number} : reste à payer 642,50 €") in content
    assert f"Appel de cotisation n° {adhesion.call_number}" in content
    assert (
        reverse("members:adhesion_call_pdf", kwargs={"slug": territory_a.slug, "year": open_campaign.year})
        in content
    )
    assert "0 sections complètes sur 7" in content and "Prochaine section à remplir" in content


def test_after_login_a_person_of_one_territory_lands_on_its_year_and_of_several_on_the_list(
    territory_a, territory_b, referent_a
):
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": referent_a.email, "password": "mot-de-passe-de-test-2018"}
    )
    assert response["Location"] == territory_a.get_absolute_url()
    MembershipFactory(territory=territory_b, user=referent_a)
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": referent_a.email, "password": "mot-de-passe-de-test-2018"}
    )
    assert response["Location"] == reverse("members:space")


# --- Invitations that survive browsers -------------------------------------------------------------


def test_a_pending_invitation_for_a_verified_address_is_offered_at_login_and_accepted_without_its_link(
    territory_a,
):
    person = UserFactory(email="camille@pays-a.fr")
    invitation = InvitationFactory(territory=territory_a, email="camille@pays-a.fr", role=Role.REFERENT)
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": "mot-de-passe-de-test-2018"}
    )
    assert response["Location"] == reverse("members:pending_invitations")
    page = client.get(response["Location"]).content.decode()
    assert "Invitation à rejoindre PETR du Pays A" in page
    response = client.post(reverse("members:pending_invitation_accept", kwargs={"pk": invitation.pk}))
    assert response["Location"] == territory_a.get_absolute_url()
    assert TerritoryMembership.objects.get(user=person, territory=territory_a).role == Role.REFERENT


def test_an_invitation_for_another_address_or_an_unverified_one_is_not_found(client, territory_a):
    person = UserFactory(email="camille@pays-a.fr", verified_email=False)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    mine_unverified = InvitationFactory(territory=territory_a, email="camille@pays-a.fr")
    someone_else = InvitationFactory(territory=territory_a, email="dominique@pays-a.fr")
    client.force_login(person)
    for invitation in (mine_unverified, someone_else):
        url = reverse("members:pending_invitation_accept", kwargs={"pk": invitation.pk})
        assert client.post(url).status_code == 404
    assert not TerritoryMembership.objects.filter(user=person).exists()
    assert "Invitation à rejoindre" not in client.get(reverse("members:space")).content.decode()


def test_the_invitation_page_links_to_a_signup_form_prefilled_with_the_invited_address(client, territory_a):
    InvitationFactory(territory=territory_a, email="camille@pays-a.fr", key="cle-camille-abcdefghijklmnopq")
    page = client.get(reverse("members:invitation", kwargs={"key": "cle-camille-abcdefghijklmnopq"}))
    signup = (
        re.search(r'href="(/comptes/signup/\?[^"]+)"', page.content.decode()).group(1).replace("&amp;", "&")
    )
    assert 'value="camille@pays-a.fr"' in client.get(signup).content.decode()


# --- Joining the ANPP ------------------------------------------------------------------------------


def join_data(**overrides):
    return {
        "territory_name": "PETR du Pays Exemple (fictif)",
        "kind": "petr",
        "siren": "200 070 498",
        "departments": ["16"],
        "population": "41 250",
        "first_name": "Alix",
        "last_name": "Martin",
        "function": "Directrice",
        "email": "alix.martin@pays-exemple.fr",
        **overrides,
    }


def confirm_by_the_emailed_link(client, message) -> None:
    """Follow the link of the confirmation email as the requester does: GET shows a button, POST confirms."""
    path = re.search(r"http://testserver(/adherer/demande/confirmer/[^/\s]+/)", message.body).group(1)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200


def test_a_join_request_is_confirmed_then_acknowledged_then_approved_into_a_territory_and_an_invitation(
    client, staff, send_outbox, open_campaign, settings
):
    settings.SITE_URL = "http://testserver"
    response = client.post(reverse("members:join_request"), join_data())
    assert response["Location"] == reverse("members:join_request_sent")
    join = JoinRequest.objects.get()
    assert join.siren == "200070498" and join.population == 41250
    assert join.status == JoinRequest.Status.UNCONFIRMED
    [confirmation] = deliver(send_outbox)
    assert confirmation.to == ["alix.martin@pays-exemple.fr"]
    confirm_by_the_emailed_link(client, confirmation)
    join.refresh_from_db()
    assert join.status == JoinRequest.Status.PENDING and join.confirmed_at is not None
    [received] = deliver(send_outbox)
    assert received.to == ["alix.martin@pays-exemple.fr"] and "bien reçue" in received.subject

    territory = services.join_request_approve(join_request=join, by=staff)
    assert territory.siren == "200070498" and territory.region == "75" and territory.kind == "petr"
    invitation = Invitation.objects.get(territory=territory)
    assert invitation.email == "alix.martin@pays-exemple.fr" and invitation.role == Role.REFERENT
    [approved] = deliver(send_outbox)
    assert approved.to == ["alix.martin@pays-exemple.fr"]
    assert (
        approved.subject
        == "[ANPP] Bienvenue à l'ANPP : créez votre compte de référent de PETR du Pays Exemple (fictif)"
    )
    assert "/invitation/" in approved.body


def test_a_refused_join_request_is_emailed_with_the_staff_message(client, staff, send_outbox, settings):
    settings.SITE_URL = "http://testserver"
    client.post(reverse("members:join_request"), join_data())
    confirm_by_the_emailed_link(client, deliver(send_outbox)[0])
    deliver(send_outbox)
    join = services.join_request_refuse(
        join_request=JoinRequest.objects.get(), by=staff, message="Ce territoire relève d'une métropole."
    )
    assert join.status == JoinRequest.Status.REFUSED and not Territory.objects.exists()
    [refused] = deliver(send_outbox)
    assert (
        refused.to == ["alix.martin@pays-exemple.fr"]
        and "« Ce territoire relève d'une métropole. »" in refused.body
    )


def test_a_known_siren_gets_the_same_answer_as_an_unknown_one_and_reveals_no_personal_data(
    client, territory_a, referent_a
):
    known = client.post(reverse("members:join_request"), join_data(siren=territory_a.siren), follow=True)
    unknown = Client().post(reverse("members:join_request"), join_data(), follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("members:join_request_sent"), 302)]
    assert known.content == unknown.content
    for personal in (referent_a.email, referent_a.get_full_name(), territory_a.name):
        assert personal not in known.content.decode()
    assert JoinRequest.objects.filter(status=JoinRequest.Status.UNCONFIRMED).count() == 2


def test_an_invalid_siren_is_refused_next_to_the_field_and_the_rest_kept(client):
    response = client.post(reverse("members:join_request"), join_data(siren="123 456 789"))
    content = response.content.decode()
    assert "Numéro SIREN invalide" in content
    assert 'value="PETR du Pays Exemple (fictif)"' in content and 'value="41 250"' in content
    assert 'value="alix.martin@pays-exemple.fr"' in content and not JoinRequest.objects.exists()


# --- The simulator and the adhésion form: one function ---------------------------------------------

PER_INHABITANT_POPULATIONS = [
    1,
    800,
    5000,
    9_999,
    10_000,
    10_010,
    10_011,
    25_000,
    37_533,
    59_990,
    60_000,
    60_011,
    250_000,
]
BRACKET_POPULATIONS = [1, 9_999, 10_000, 10_001, 29_999, 30_000, 30_001, 74_999, 75_000, 1_200_000]


def _simulated(kind: str, population: int) -> Decimal:
    """The amount the public simulator shows, read from its page as a visitor reads it."""
    population_text = f"{population:,}".replace(",", "\u00a0")
    page = Client().get(reverse("members:join"), {"nature": kind, "population": population_text})
    match = re.search(r"Cotisation \d{4} : ([\d\u00a0\u202f ,]+) €", page.content.decode())
    assert match, page.content.decode()
    return parse_decimal(match.group(1))


def _from_the_form(client, territory, campaign, population: int) -> Decimal:
    url = reverse("members:adhesion", kwargs={"slug": territory.slug, "year": campaign.year})
    client.post(url, {"population": f"{population:,}".replace(",", " "), "save": ""})
    return Adhesion.objects.get(territory=territory, campaign=campaign).amount


def test_the_simulator_and_the_adhesion_form_give_the_same_cotisation_across_floor_ceiling_and_brackets(
    client, territory_a, referent_a, open_campaign, django_capture_on_commit_callbacks
):
    # One function: the simulator's view and the adhésion's service call the very same one.
    assert views_join.services.cotisation_compute is adhesion_services.cotisation_compute
    client.force_login(referent_a)
    compared = []
    # Per inhabitant (0,05 € with a floor of 500 € and a ceiling of 3 000 €): under, at and over both.
    for population in PER_INHABITANT_POPULATIONS:
        compared.append(
            (
                population,
                _simulated("petr", population),
                _from_the_form(client, territory_a, open_campaign, population),
            )
        )
    # Brackets: each bound and either side of it.
    # Staff change the schedule: the public page shows the new one once that change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        open_campaign.fee_mode = AdhesionCampaign.FeeMode.BRACKETS
        open_campaign.save()
        for low, high, amount in [
            (0, 9_999, "600"),
            (10_000, 29_999, "1200"),
            (30_000, 74_999, "2100"),
            (75_000, None, "3200"),
        ]:
            FeeBracket.objects.create(
                campaign=open_campaign, min_population=low, max_population=high, amount=Decimal(amount)
            )
    for population in BRACKET_POPULATIONS:
        compared.append(
            (
                population,
                _simulated("petr", population),
                _from_the_form(client, territory_a, open_campaign, population),
            )
        )
    assert len(compared) >= 20
    mismatches = [(p, s, f) for p, s, f in compared if s != f]
    assert not mismatches, mismatches
    amounts = {s for _p, s, _f in compared}
    assert {Decimal("500"), Decimal("3000"), Decimal("1877"), Decimal("600"), Decimal("3200")} <= amounts


def test_the_public_page_renders_the_fee_schedule_from_the_campaign(open_campaign):
    content = Client().get(reverse("members:join")).content.decode()
    assert f"Barème de cotisation {open_campaign.year}" in content
    assert "0,05 €" in content and "500 €" in content and "3\u00a0000 €" in content


# --- Forms that lose nothing; French numbers ----------------------------------------------------------


def test_an_invalid_siret_on_the_adhesion_form_keeps_every_other_typed_value(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    typed = {
        "population": "41 250",
        "signatory_name": "Jeanne Exemple",
        "signatory_role": "Présidente du PETR",
        "billing_contact_name": "Service financier",
        "billing_contact_email": "finances@pays-a.fr",
        "billing_address": "PETR du Pays A\n2 rue de l'Exemple\n16700 Ruffec",
        "siret": "200 070 498 00008",  # wrong check digit
        "chorus_service_code": "SERVICE-FIN",
        "engagement_number": "EJ-2026-42",
        "deliberation_date": "2026-01-15",
    }
    url = reverse("members:adhesion", kwargs={"slug": territory_a.slug, "year": open_campaign.year})
    response = client.post(url, {**typed, "submit": ""}, follow=True)
    content = response.content.decode()
    # POST/redirect/GET (Back never reaches the answer to a POST): the typed input comes back.
    assert response.redirect_chain == [(url, 302)] and "Numéro SIRET invalide" in content
    for name, value in typed.items():
        if name == "billing_address":
            assert "2 rue de l&#x27;Exemple" in content
        else:
            assert 'value="' + escape(value) + '"' in content, name
    adhesion = Adhesion.objects.get()
    assert adhesion.status == Adhesion.Status.BROUILLON and adhesion.siret == ""
    assert adhesion.population == 41250 and adhesion.engagement_number == "EJ-2026-42"  # the rest is saved
    assert adhesion.deliberation_date == datetime.date(2026, 1, 15)


def test_the_fiche_accepts_french_numbers_and_shows_them_back_in_french(client, territory_a, referent_a):
    today = timezone.localdate()
    campaign = FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    client.force_login(referent_a)
    base = f"/territoire/{territory_a.slug}/fiche/{campaign.year}/"
    perimetre = client.get(base + "perimetre/")
    response = client.post(
        base + "perimetre/",
        {
            "version": perimetre.context["version"],
            "nombre_communes": "80",
            "population": "120 000",
            "annee_population": "2015",
            "epci-TOTAL_FORMS": "0",
            "epci-INITIAL_FORMS": "0",
            "epci-MIN_NUM_FORMS": "0",
            "epci-MAX_NUM_FORMS": "200",
            "save": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    budget = client.get(base + "budget/")
    response = client.post(
        base + "budget/",
        {
            "version": budget.context["version"],
            "budget_fonctionnement": "1 234,50",
            "budget_investissement": "450\u00a0000",
            "save": "",
        },
    )
    assert response.status_code == 302
    fiche = FicheRenseignements.objects.get()
    assert fiche.answers["population"] == 120000 and fiche.answers["budget_fonctionnement"] == "1234.50"
    assert 'value="120\u00a0000"' in client.get(base + "perimetre/").content.decode()
    budget_page = client.get(base + "budget/").content.decode()
    assert 'value="1\u00a0234,50"' in budget_page and 'value="450\u00a0000,00"' in budget_page
    recap = client.get(base + "soumettre/").content.decode()
    assert "120\u00a0000" in recap and "1\u00a0234,50" in recap and "1234.50" not in recap


def test_a_submitted_fiche_is_acknowledged_with_a_recap_in_french(territory_a, referent_a, send_outbox):
    fiche = FicheRenseignements.objects.create(
        territory=territory_a, campaign=FicheCampaignFactory(year=2018), answers=dict(COMPLETE_ANSWERS)
    )
    services.fiche_submit(fiche=fiche, by=referent_a)
    [ack] = deliver(send_outbox)
    assert (
        ack.to == [referent_a.email] and "Fiche de renseignements 2018 de PETR du Pays A reçue" in ack.subject
    )
    assert "Population : 37\u00a0533" in ack.body and "450\u00a0000 €" in ack.body
    assert "Forme juridique : PETR" in ack.body


def test_csv_exports_use_semicolons_and_decimal_commas(client, staff, territory_a, referent_a, open_campaign):
    adhesion = fill(
        services.adhesion_open(territory=territory_a, campaign=open_campaign, by=referent_a), referent_a
    )
    Adhesion.objects.filter(pk=adhesion.pk).update(amount=Decimal("1876.65"))
    client.force_login(staff)
    response = client.post(
        reverse("admin:members_adhesion_changelist"),
        {"action": "export_csv", "_selected_action": [adhesion.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    assert row[header.index("Cotisation (€)")] == "1876,65" and row[header.index("Payé (€)")] == "0"


def test_a_territory_created_by_a_join_request_has_a_unique_slug(staff):
    TerritoryFactory(name="PETR du Pays Exemple", slug="petr-du-pays-exemple")
    join = JoinRequest.objects.create(
        territory_name="PETR du Pays Exemple",
        kind="petr",
        siren=valid_siren(4242),
        population=1000,
        first_name="A",
        last_name="B",
        function="C",
        email="a@b.fr",
    )
    join.departments.set(["16"])
    territory = services.join_request_approve(join_request=join, by=staff)
    assert territory.slug == "petr-du-pays-exemple-2"


def test_the_year_page_makes_as_many_queries_for_many_payments_and_delegations_as_for_one(
    client, territory_a, referent_a, staff, open_campaign, django_assert_max_num_queries, settings, tmp_path
):
    from events import services as event_services

    from ..events.factories import EventFactory
    from ..events.helpers import person

    settings.MEDIA_ROOT = tmp_path
    adhesion = fill(
        services.adhesion_open(territory=territory_a, campaign=open_campaign, by=referent_a), referent_a
    )
    services.adhesion_submit(adhesion=adhesion, by=referent_a)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the appel is rendered after the commit
        adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
    client.force_login(referent_a)

    def add(n):
        for _ in range(n):
            services.payment_record(
                adhesion=adhesion,
                paid_on=timezone.localdate(),
                amount=Decimal("10"),
                method="virement",
                reference="",
                by=staff,
            )
            event = EventFactory()
            event_services.registration_create(
                event=event, by=referent_a, territory=territory_a, participants=[person(0, event)]
            )

    add(1)
    with django_assert_max_num_queries(40) as few:
        assert client.get(territory_a.get_absolute_url()).status_code == 200
    add(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = client.get(territory_a.get_absolute_url()).content.decode()
    assert content.count("Virement") == 6
