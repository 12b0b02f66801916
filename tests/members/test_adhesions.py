"""The adhésion cycle: draft → submitted → validated → call issued → paid; cancellation; documents."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from members import services
from members.models import Adhesion, AdhesionTransition, Role

from ..factories import MembershipFactory, UserFactory
from .adhesion_factories import CampaignFactory

pytestmark = pytest.mark.django_db
Status = Adhesion.Status
IN_CAMPAIGN = datetime.date(2018, 2, 1)


def pdf_text(field) -> str:
    field.open("rb")
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(field.read())).pages)
    finally:
        field.close()


def filled(adhesion, by, **overrides):
    data = {
        "signatory_name": "Jean Dupont",
        "signatory_role": "Président du PETR",
        "billing_contact_email": "compta@pays-a.fr",
        "billing_address": "PETR du Pays A\n1 place de la Mairie\n16700 Ruffec",
        "population": 37533,
        **overrides,
    }
    return services.adhesion_save(adhesion=adhesion, data=data, by=by)


@pytest.fixture
def campaign():
    return CampaignFactory(year=2018)


@pytest.fixture
def draft(campaign, territory_a, referent_a):
    return services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=IN_CAMPAIGN)


def test_a_new_adhesion_is_a_draft_computed_from_the_territory(draft, territory_a):
    assert draft.status == Status.BROUILLON
    assert draft.population == territory_a.population == 37533
    assert draft.amount == Decimal("1877.00")
    assert territory_a.name in draft.billing_address
    assert [t.to_status for t in draft.transitions.all()] == [Status.BROUILLON]


def test_opening_twice_returns_the_same_adhesion(draft, campaign, territory_a, referent_a):
    again = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=IN_CAMPAIGN)
    assert again.pk == draft.pk and Adhesion.objects.count() == 1


def test_next_year_is_prefilled_from_last_years_adhesion(draft, territory_a, referent_a):
    filled(
        draft,
        referent_a,
        siret="20007049800007",
        chorus_service_code="SERVICE-FACT",
        engagement_number="BC-42",
    )
    next_campaign = CampaignFactory(year=2019)
    following = services.adhesion_open(
        territory=territory_a, campaign=next_campaign, by=referent_a, today=datetime.date(2019, 2, 1)
    )
    assert following.signatory_name == "Jean Dupont"
    assert following.siret == "20007049800007"
    assert following.chorus_service_code == "SERVICE-FACT"
    assert following.engagement_number == "BC-42"
    assert following.status == Status.BROUILLON


def test_a_closed_campaign_cannot_be_opened(campaign, territory_a, territory_b, referent_a, referent_b):
    # Before and after, for each territory; the dates in words, as everywhere a person reads them.
    for territory, referent, today in (
        (territory_a, referent_a, datetime.date(2018, 7, 1)),
        (territory_b, referent_b, datetime.date(2018, 1, 14)),
    ):
        with pytest.raises(services.CampaignClosed) as refused:
            services.adhesion_open(territory=territory, campaign=campaign, by=referent, today=today)
        assert (
            str(refused.value)
            == "La campagne d'adhésion 2018 est close (du 15 janvier 2018 au 30 juin 2018)."
        )


def test_another_territory_cannot_open_or_fill_this_adhesion(campaign, territory_a, referent_b, draft):
    with pytest.raises(services.NotAllowed):
        services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_b, today=IN_CAMPAIGN)
    with pytest.raises(services.NotAllowed):
        filled(draft, referent_b)


def test_submission_lists_what_is_missing(draft, referent_a):
    with pytest.raises(services.IncompleteAdhesion) as error:
        services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    assert set(error.value.missing) == {"signatory_name", "signatory_role", "billing_contact_email"}


def test_a_submitted_adhesion_can_no_longer_be_edited_by_the_territory(draft, referent_a):
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    with pytest.raises(services.AdhesionLocked):
        filled(draft, referent_a, signatory_name="Quelqu'un d'autre")
    draft.refresh_from_db()
    assert draft.signatory_name == "Jean Dupont"


def test_staff_can_send_it_back_to_draft_with_a_message(draft, referent_a, staff):
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    services.adhesion_return_to_draft(adhesion=draft, by=staff, message="Merci de corriger le SIRET.")
    draft.refresh_from_db()
    assert draft.status == Status.BROUILLON
    assert draft.transitions.last().message == "Merci de corriger le SIRET."
    filled(draft, referent_a, siret="20007049800007")


def test_only_staff_validate(draft, referent_a):
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    with pytest.raises(services.NotAllowed):
        services.adhesion_validate(adhesion=draft, by=referent_a)


def test_the_whole_cycle_numbers_the_call_and_delivers_the_attestation_once_paid(
    draft, referent_a, staff, django_capture_on_commit_callbacks
):
    filled(draft, referent_a, siret="20007049800007", chorus_service_code="SERVICE-FACT")
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    with django_capture_on_commit_callbacks(execute=True):
        adhesion = services.adhesion_validate(adhesion=draft, by=staff)
    adhesion.refresh_from_db()
    assert adhesion.status == Status.APPEL_EMIS
    number = f"{timezone.localdate().year}-0001"  # the appels' series of the year of issue
    assert adhesion.call_number == number
    assert adhesion.call_due_on == timezone.localdate() + datetime.timedelta(days=30)
    # The appel is an invoice of the accounts: it records which staff member issued it (« émis par »).
    appel = adhesion.invoices.get()
    assert (appel.number, appel.created_by) == (number, staff)
    call = pdf_text(adhesion.call_pdf)
    for expected in (
        "Cotisation 2018",
        number,
        "1 877,00 €",
        "PETR du Pays A",
        "20007049800007",
        "SERVICE-FACT",
        "1 rue de l'Exemple, 75009 Paris",
        "37 533 habitants",
    ):
        assert expected in call.replace("\u00a0", " ").replace("\u202f", " "), expected

    services.payment_record(
        adhesion=adhesion,
        paid_on=datetime.date(2018, 4, 2),
        amount=Decimal("1000"),
        method="mandat",
        reference="M-1",
        by=staff,
    )
    adhesion.refresh_from_db()
    assert adhesion.status == Status.APPEL_EMIS and not adhesion.attestation_pdf
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record(
            adhesion=adhesion,
            paid_on=datetime.date(2018, 5, 2),
            amount=Decimal("877"),
            method="virement",
            reference="V-2",
            by=staff,
        )
    adhesion.refresh_from_db()
    assert adhesion.status == Status.PAYEE
    assert "Attestation d'adhésion 2018" in pdf_text(adhesion.attestation_pdf)
    assert [t.to_status for t in AdhesionTransition.objects.filter(adhesion=adhesion)] == [
        Status.BROUILLON,
        Status.SOUMISE,
        Status.VALIDEE,
        Status.APPEL_EMIS,
        Status.PAYEE,
    ]


def test_call_numbers_follow_each_other_within_a_year_and_restart_the_next(campaign, staff, monkeypatch):
    numbers = []
    for year in (2018, 2018, 2018, 2019):
        # The series is the one of the year of issue (the clock is outside the project: mocked).
        issued = datetime.datetime(year, 2, 1, 10, tzinfo=datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda issued=issued: issued)
        membership = MembershipFactory(role=Role.REFERENT)
        camp = CampaignFactory(year=year)
        adhesion = services.adhesion_open(
            territory=membership.territory, campaign=camp, by=membership.user, today=datetime.date(year, 2, 1)
        )
        filled(adhesion, membership.user)
        services.adhesion_submit(adhesion=adhesion, by=membership.user, today=datetime.date(year, 2, 1))
        numbers.append(services.adhesion_validate(adhesion=adhesion, by=staff).call_number)
    assert numbers == ["2018-0001", "2018-0002", "2018-0003", "2019-0001"]


def test_a_call_that_fails_inside_its_transaction_rolls_its_number_back(
    draft, referent_a, staff, monkeypatch
):
    import billing.services
    from billing.models import InvoiceSequence

    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    Adhesion.objects.filter(pk=draft.pk).update(status=Status.VALIDEE)

    def crash(**kwargs):
        raise OSError("the invoice could not be recorded")

    with monkeypatch.context() as patched:
        patched.setattr(billing.services, "appel_issue", crash)
        with pytest.raises(OSError, match="could not be recorded"):
            services.call_issue(adhesion=draft, by=staff)
    draft.refresh_from_db()
    assert (draft.status, draft.call_number, draft.call_issued_at) == (Status.VALIDEE, None, None)
    assert not draft.transitions.filter(to_status=Status.APPEL_EMIS).exists()
    assert InvoiceSequence.objects.filter(series="A").values_list("last_number", flat=True).first() in (
        None,
        0,
    )
    # Once the failure is gone, the call takes the number the failure gave back.
    assert services.call_issue(adhesion=draft, by=staff).call_number == f"{timezone.localdate().year}-0001"
    assert draft.transitions.get(to_status=Status.APPEL_EMIS).by == staff


def test_a_call_whose_pdf_fails_to_render_keeps_its_number_and_is_rendered_again(
    draft, referent_a, staff, monkeypatch, django_capture_on_commit_callbacks
):
    """The PDF is built after the commit (never under the numbering lock): a renderer that fails
    leaves the call numbered and its document "en préparation", until a worker renders it."""
    import weasyprint

    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    Adhesion.objects.filter(pk=draft.pk).update(status=Status.VALIDEE)

    def crash(*args, **kwargs):
        raise OSError("Pango could not load a font")

    with monkeypatch.context() as patched:
        patched.setattr(weasyprint.HTML, "write_pdf", crash)
        with django_capture_on_commit_callbacks(execute=True):
            services.call_issue(adhesion=draft, by=staff)
    draft.refresh_from_db()
    number = f"{timezone.localdate().year}-0001"
    assert (draft.status, draft.call_number, draft.call_pdf.name) == (Status.APPEL_EMIS, number, "")
    assert services.adhesion_documents_render(adhesion_id=draft.pk) == ["call_pdf"]
    draft.refresh_from_db()
    assert draft.call_pdf.name.endswith(f"appel-{number}.pdf")


def test_amounts_with_more_than_two_decimals_or_negative_are_refused(draft, referent_a, staff):
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    adhesion = services.adhesion_validate(adhesion=draft, by=staff)
    from billing.services import PaymentRefused

    for amount in (Decimal("10.001"), Decimal("-5"), Decimal("0")):
        with pytest.raises(PaymentRefused, match="deux décimales"):
            services.payment_record(
                adhesion=adhesion, paid_on=IN_CAMPAIGN, amount=amount, method="cheque", reference="", by=staff
            )


def test_cancellation_needs_a_reason_and_is_impossible_once_paid(draft, referent_a, staff):
    with pytest.raises(services.AdhesionError, match="motif"):
        services.adhesion_cancel(adhesion=draft, by=staff, reason=" ")
    services.adhesion_cancel(adhesion=draft, by=staff, reason="Doublon")
    draft.refresh_from_db()
    assert draft.status == Status.ANNULEE and draft.cancel_reason == "Doublon"
    with pytest.raises(services.WrongStatus):
        services.adhesion_cancel(adhesion=draft, by=staff, reason="Encore")


def test_one_adhesion_per_territory_and_year_is_a_database_rule(draft):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Adhesion.objects.create(territory=draft.territory, campaign=draft.campaign)


def test_a_plain_member_of_the_territory_may_fill_it_too(campaign, territory_a):
    member = UserFactory()
    MembershipFactory(user=member, territory=territory_a, role=Role.MEMBRE)
    adhesion = services.adhesion_open(territory=territory_a, campaign=campaign, by=member, today=IN_CAMPAIGN)
    assert filled(adhesion, member).signatory_name == "Jean Dupont"


def test_a_correction_is_a_cancellation_plus_a_new_adhesion_with_a_new_call(
    draft, referent_a, staff, territory_a
):
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    first = services.adhesion_validate(adhesion=draft, by=staff)
    first_pdf = first.call_pdf.name
    services.adhesion_cancel(adhesion=first, by=staff, reason="Erreur de SIRET sur l'appel")
    # Even after the campaign closed, the territory can redo a cancelled adhésion, pre-filled from it.
    again = services.adhesion_open(
        territory=territory_a, campaign=first.campaign, by=referent_a, today=datetime.date(2018, 9, 1)
    )
    assert again.pk != first.pk and again.status == Status.BROUILLON
    assert again.signatory_name == "Jean Dupont"
    filled(again, referent_a, siret="20007049800007")
    services.adhesion_submit(adhesion=again, by=referent_a, today=datetime.date(2018, 9, 1))
    second = services.adhesion_validate(adhesion=again, by=staff)
    year = timezone.localdate().year
    assert (first.call_number, second.call_number) == (f"{year}-0001", f"{year}-0002")
    first.refresh_from_db()
    assert first.status == Status.ANNULEE and first.call_pdf.name == first_pdf
