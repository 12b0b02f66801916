"""Adhésions: the cotisation computation, the lifecycle, the call for payment, payments, reminders.

brouillon → soumise → validée (ANPP staff) → appel émis → payée; annulée from any step before payée.
Each transition is recorded (who, when, message) and shown to the territory and to staff.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from anpp_portal import formats, pagecache
from anpp_portal.staffpolicy import acts_as_staff

from .. import emails
from ..models import (
    Adhesion,
    AdhesionCampaign,
    AdhesionTransition,
    Role,
    Territory,
    User,
)
from ..permissions import Action, can
from ..selectors import adhesions_for_staff
from .people import MembersError, NotAllowed
from .reminders import ReminderBatch, latest_due_step, referents_by_territory

__all__ = [
    "AdhesionError",
    "AdhesionLocked",
    "CampaignClosed",
    "CotisationQuote",
    "IncompleteAdhesion",
    "NoFeeForPopulation",
    "WrongStatus",
    "adhesion_amount_correct",
    "adhesion_campaigns_of_past_years",
    "adhesion_cancel",
    "adhesion_documents_missing",
    "adhesion_documents_render",
    "adhesion_missing",
    "adhesion_open",
    "adhesion_remind_now",
    "adhesion_reminders_send",
    "adhesion_return_to_draft",
    "adhesion_save",
    "adhesion_submit",
    "adhesion_validate",
    "appel_buyer",
    "appel_content",
    "call_issue",
    "cotisation_compute",
    "payment_record",
    "territory_buyer",
]

Status = Adhesion.Status
CENT = Decimal("0.01")

# Fields a territory fills, pre-filled from last year's adhésion.
CARRIED_OVER_FIELDS = [
    "signatory_name",
    "signatory_role",
    "billing_contact_name",
    "billing_contact_email",
    "billing_address",
    "siret",
    "chorus_service_code",
    "engagement_number",
    "deliberation_date",
]
REQUIRED_AT_SUBMISSION = {
    "signatory_name": gettext_lazy("Indiquez le nom du signataire."),
    "signatory_role": gettext_lazy("Indiquez la qualité du signataire."),
    "billing_contact_email": gettext_lazy("Indiquez l'email du contact facturation."),
    "billing_address": gettext_lazy("Indiquez l'adresse de facturation."),
}


class AdhesionError(MembersError):
    pass


class CampaignClosed(AdhesionError):
    pass


class AdhesionLocked(AdhesionError):
    pass


class WrongStatus(AdhesionError):
    pass


class NoFeeForPopulation(AdhesionError):
    pass


class IncompleteAdhesion(AdhesionError):
    def __init__(self, missing: dict[str, str]):
        self.missing = missing
        super().__init__(
            "L'adhésion est incomplète : " + " ".join(str(message) for message in missing.values())
        )


# --- The cotisation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CotisationQuote:
    amount: Decimal
    basis: str


def _number(value) -> str:
    return formats.format_number(value)


def _euros(value: Decimal) -> str:
    return formats.format_euros(value)


def _round(value: Decimal, rounding: str) -> Decimal:
    step = Decimal(rounding)
    return ((value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step).quantize(CENT)


def cotisation_compute(*, campaign: AdhesionCampaign, kind: str, population: int | None) -> CotisationQuote:
    """The cotisation of a member of ``kind`` with ``population`` inhabitants under ``campaign``'s schedule."""
    flat_fees = {fee.kind: fee.amount for fee in campaign.flat_fees.all()}
    if kind in flat_fees:
        label = dict(Territory.Kind.choices)[kind]
        return CotisationQuote(
            flat_fees[kind].quantize(CENT), f"Forfait « {label} » : {_euros(flat_fees[kind])}"
        )
    if population is None:
        raise NoFeeForPopulation("Indiquez la population du territoire pour calculer la cotisation.")
    inhabitants = f"{_number(population)} habitants"
    if campaign.fee_mode == AdhesionCampaign.FeeMode.PER_INHABITANT:
        rate = campaign.rate_per_inhabitant or Decimal("0")
        raw = Decimal(population) * rate
        amount = _round(raw, campaign.rounding)
        basis = f"{inhabitants} × {_number(rate.normalize())} € = {_euros(amount)}"
        if campaign.fee_floor is not None and amount < campaign.fee_floor:
            amount = campaign.fee_floor.quantize(CENT)
            basis += f", porté au plancher de {_euros(amount)}"
        if campaign.fee_ceiling is not None and amount > campaign.fee_ceiling:
            amount = campaign.fee_ceiling.quantize(CENT)
            basis += f", ramené au plafond de {_euros(amount)}"
        return CotisationQuote(amount, basis)
    for bracket in campaign.brackets.all():
        if bracket.min_population <= population and (
            bracket.max_population is None or population <= bracket.max_population
        ):
            upper = (
                f"à {_number(bracket.max_population)}" if bracket.max_population is not None else "et plus"
            )
            return CotisationQuote(
                bracket.amount.quantize(CENT),
                f"{inhabitants} : tranche de {_number(bracket.min_population)} {upper} habitants = "
                f"{_euros(bracket.amount)}",
            )
    raise NoFeeForPopulation(f"Aucune tranche du barème {campaign.year} ne couvre {inhabitants}.")


# --- Lifecycle --------------------------------------------------------------------------------


def adhesion_campaigns_of_past_years(*, years) -> dict[int, AdhesionCampaign]:
    """The campaign of each past year named, created closed where ANPP's history has none (an import
    of the history of cotisations); one query for those that exist."""
    campaigns = {c.year: c for c in AdhesionCampaign.objects.filter(year__in=set(years))}
    for year in sorted(set(years) - set(campaigns)):
        campaigns[year], _ = AdhesionCampaign.objects.get_or_create(
            year=year,
            defaults={
                "opens_on": date(year, 1, 1),
                "closes_on": date(year, 12, 31),
                "fee_mode": AdhesionCampaign.FeeMode.BRACKETS,
                "population_year": year,
                "intro_text": "Campagne d'une année passée, créée par l'import de l'historique des cotisations.",
            },
        )
    return campaigns


def _transition(adhesion: Adhesion, to_status: str, by: User | None, message: str = "") -> AdhesionTransition:
    adhesion._history_user = by  # the audit trail names who acted, from a request or a task alike
    transition = AdhesionTransition.objects.create(
        adhesion=adhesion, from_status=adhesion.status, to_status=to_status, by=by, message=message
    )
    adhesion.status = to_status
    return transition


def _locked(adhesion: Adhesion) -> Adhesion:
    # The adhésion's row only (of=self): locking the joined campaign row too would make every
    # territory's save wait for every other's.
    return (
        Adhesion.objects.select_for_update(of=("self",))
        .select_related("campaign", "territory")
        .get(pk=adhesion.pk)
    )


def _require_staff(user: User, permission: str = "members.change_adhesion") -> None:
    if not acts_as_staff(user, permission):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")


def _require_status(adhesion: Adhesion, *allowed: str) -> None:
    if adhesion.status not in allowed:
        raise WrongStatus(
            f"Impossible depuis le statut « {adhesion.get_status_display()} » de l'adhésion {adhesion.year}."
        )


def adhesion_open(
    *, territory: Territory, campaign: AdhesionCampaign, by: User, today: date | None = None
) -> Adhesion:
    """The territory's adhésion of the campaign's year, created if needed as a draft pre-filled from
    the territory and from its latest adhésion (this year's cancelled one when it is a correction,
    otherwise the most recent earlier year's)."""
    if not can(by, Action.ACT, territory):
        raise NotAllowed("Vous n'agissez pas pour ce territoire.")
    mine = Adhesion.objects.filter(territory=territory).select_related("campaign")
    existing = mine.active().filter(campaign=campaign).first()
    if existing:
        return existing
    cancelled_this_year = mine.filter(campaign=campaign, status=Status.ANNULEE).order_by("-pk").first()
    today = today or timezone.localdate()
    if not campaign.is_open(today) and cancelled_this_year is None:
        raise CampaignClosed(
            f"La campagne d'adhésion {campaign.year} est close (du {formats.format_date(campaign.opens_on)} "
            f"au {formats.format_date(campaign.closes_on)})."
        )
    previous = cancelled_this_year or (
        mine.active().filter(campaign__year__lt=campaign.year).order_by("-campaign__year").first()
    )
    initial = {field: getattr(previous, field) for field in CARRIED_OVER_FIELDS} if previous else {}
    if not initial.get("billing_address"):
        lines = [territory.name, territory.address, f"{territory.postal_code} {territory.city}".strip()]
        initial["billing_address"] = "\n".join(filter(None, lines))
    adhesion = Adhesion(territory=territory, campaign=campaign, population=territory.population, **initial)
    _apply_quote(adhesion)
    try:
        with transaction.atomic():
            adhesion.save()
            AdhesionTransition.objects.create(adhesion=adhesion, to_status=Status.BROUILLON, by=by)
    except IntegrityError:
        # Opened at the same moment by a colleague: theirs is the one.
        return mine.active().get(campaign=campaign)
    return adhesion


def _apply_quote(adhesion: Adhesion) -> None:
    try:
        quote = cotisation_compute(
            campaign=adhesion.campaign, kind=adhesion.territory.kind, population=adhesion.population
        )
    except NoFeeForPopulation:
        adhesion.amount, adhesion.amount_basis = None, ""
    else:
        adhesion.amount, adhesion.amount_basis = quote.amount, quote.basis


def adhesion_save(*, adhesion: Adhesion, data: dict, by: User) -> Adhesion:
    """Save the territory's answers to a draft and recompute its cotisation."""
    if not can(by, Action.ACT, adhesion.territory):
        raise NotAllowed("Vous n'agissez pas pour ce territoire.")
    with transaction.atomic():
        adhesion = _locked(adhesion)
        if not adhesion.is_editable_by_territory:
            raise AdhesionLocked(
                "Cette adhésion a été soumise : elle ne peut plus être modifiée. Écrivez à l'ANPP pour la corriger."
            )
        for field in [*CARRIED_OVER_FIELDS, "population"]:
            if field in data:
                setattr(adhesion, field, data[field])
        _apply_quote(adhesion)
        adhesion.full_clean()
        adhesion._history_user = by
        adhesion.save()
    return adhesion


def adhesion_missing(adhesion: Adhesion) -> dict[str, str]:
    """What submission still needs, field by field (empty when the adhésion may be submitted)."""
    missing = {
        field: str(message)
        for field, message in REQUIRED_AT_SUBMISSION.items()
        if not getattr(adhesion, field)
    }
    if adhesion.amount is None:
        missing["population"] = str(gettext_lazy("Indiquez la population pour calculer la cotisation."))
    return missing


def adhesion_submit(*, adhesion: Adhesion, by: User, today: date | None = None) -> Adhesion:
    if not can(by, Action.ACT, adhesion.territory):
        raise NotAllowed("Vous n'agissez pas pour ce territoire.")
    today = today or timezone.localdate()
    with transaction.atomic():
        adhesion = _locked(adhesion)
        _require_status(adhesion, Status.BROUILLON)
        is_correction = (
            Adhesion.objects.filter(
                territory=adhesion.territory, campaign=adhesion.campaign, status=Status.ANNULEE
            )
            .exclude(pk=adhesion.pk)
            .exists()
        )
        if today > adhesion.campaign.closes_on and not is_correction:
            raise CampaignClosed(
                f"La campagne d'adhésion {adhesion.year} est close depuis le {formats.format_date(adhesion.campaign.closes_on)}."
            )
        missing = adhesion_missing(adhesion)
        if missing:
            raise IncompleteAdhesion(missing)
        transition = _transition(adhesion, Status.SOUMISE, by)
        adhesion.submitted_at = timezone.now()
        adhesion.save()
        emails.adhesion_submitted_send(adhesion, transition)
    return adhesion


def adhesion_return_to_draft(*, adhesion: Adhesion, by: User, message: str) -> Adhesion:
    """Staff send a submitted adhésion back to the territory, with a message saying what to change."""
    _require_staff(by)
    if not message.strip():
        raise AdhesionError("Expliquez au territoire ce qu'il doit corriger.")
    with transaction.atomic():
        adhesion = _locked(adhesion)
        _require_status(adhesion, Status.SOUMISE, Status.VALIDEE)
        transition = _transition(adhesion, Status.BROUILLON, by, message)
        adhesion.save()
        emails.adhesion_returned_send(adhesion, transition)
    return adhesion


def adhesion_validate(*, adhesion: Adhesion, by: User) -> Adhesion:
    """Staff validate a submitted adhésion; its call for payment is issued in the same step."""
    _require_staff(by)
    with transaction.atomic():
        adhesion = _locked(adhesion)
        _require_status(adhesion, Status.SOUMISE)
        _transition(adhesion, Status.VALIDEE, by)
        adhesion.save()
        return call_issue(adhesion=adhesion, by=by)


# --- The appel, billing's document (billing imports no app: it is given what it holds) ------------


def appel_buyer(adhesion: Adhesion | None, territory: Territory | None = None) -> dict:
    """The buyer fields of a document addressed to ``territory`` (by default the adhésion's): its
    adhésion's billing details when there is one, else the territory's address."""
    territory = territory or adhesion.territory
    address = adhesion.billing_address if adhesion else ""
    if not address:
        lines = [territory.address, f"{territory.postal_code} {territory.city}".strip()]
        address = "\n".join(filter(None, lines))
    return {
        "buyer_name": territory.name,
        "buyer_siret": adhesion.siret if adhesion else "",
        "buyer_service_code": adhesion.chorus_service_code if adhesion else "",
        "buyer_engagement": adhesion.engagement_number if adhesion else "",
        "buyer_address": address,
        "buyer_email": adhesion.billing_contact_email if adhesion else "",
    }


def territory_buyer(territory: Territory) -> dict:
    """The buyer fields of a document addressed to ``territory`` outside its appels (an event
    invoice): the billing details of its latest adhésion past the draft, else its address."""
    adhesion = (
        territory.adhesions.active().exclude(status=Status.BROUILLON).order_by("-campaign__year").first()
    )
    return appel_buyer(adhesion, territory=territory)


def appel_content(adhesion: Adhesion, *, detail: str) -> dict:
    """What billing's appel of ``adhesion`` holds: its year, due date, territory, one line (``detail``
    printed under it), total and buyer."""
    from billing.services import document_line

    year = adhesion.campaign.year
    return {
        "year": year,
        "due_on": adhesion.call_due_on,
        "territory": adhesion.territory,
        "lines": [
            document_line(f"Cotisation {year} – {adhesion.territory.name}", adhesion.amount, detail=detail)
        ],
        "total": adhesion.amount,
        "buyer": appel_buyer(adhesion),
    }


def call_issue(*, adhesion: Adhesion, by: User) -> Adhesion:
    """Number the call for payment, in one transaction; its PDF is built after the commit.

    The appel is billing's document (billing.services.appel_issue), numbered in billing's appels
    series of the Paris year of its issue: that series' row is locked while the number is taken, so
    two staff issuing at the same moment get consecutive numbers; a failure rolls the number back,
    so numbers are gapless and never reused. No PDF is rendered while the lock is held (a slow
    rendering would block every other call of the year): a worker renders it once the number is
    committed (adhesion_documents_render), and staff see "en préparation" meanwhile.
    """
    from billing.services import appel_issue, billing_identity_require

    _require_staff(by)
    with transaction.atomic():
        adhesion = _locked(adhesion)
        _require_status(adhesion, Status.VALIDEE)
        billing_identity_require()  # refused before a number is taken, naming what is missing
        adhesion.call_issued_at = timezone.now()
        adhesion.call_due_on = timezone.localdate() + timedelta(days=adhesion.campaign.payment_delay_days)
        # The appel is a Factur-X invoice (billing.Invoice), recorded here and rendered after the
        # commit; the adhésion keeps its number and a copy of its PDF.
        detail = adhesion.amount_basis
        if adhesion.deliberation_date:
            detail += f" · délibération du {adhesion.deliberation_date:%d/%m/%Y}"
        appel = appel_issue(
            adhesion=adhesion,
            issued_at=adhesion.call_issued_at,
            by=by,
            **appel_content(adhesion, detail=detail),
        )
        adhesion.call_number = appel.number
        _transition(adhesion, Status.APPEL_EMIS, by)
        adhesion.save()
        # The "called" email carries the appel: a worker sends it once the PDF is rendered.
        _render_documents_after_commit(adhesion.pk)
    return adhesion


def payment_record(
    *, adhesion: Adhesion, paid_on: date, amount: Decimal, method: str, reference: str, by: User
):
    """Record a payment of the adhésion's appel (billing's payment, refused above the balance); the
    adhésion becomes payée when the appel's balance reaches zero, and only then: its attestation is
    built after the commit, as the call is, once."""
    from billing.models import Invoice
    from billing.selectors import document_with_balance
    from billing.services import payment_add

    _require_staff(by, "billing.add_invoicepayment")
    with transaction.atomic():
        adhesion = _locked(adhesion)
        appel = adhesion.invoices.filter(kind=Invoice.Kind.APPEL).first()
        if appel is None:
            _require_status(adhesion, Status.APPEL_EMIS)
            raise AdhesionError(f"L'adhésion {adhesion.year} n'a pas d'appel de cotisation à régler.")
        # Billing refuses first what exceeds the balance, naming it: a paid or cancelled appel owes
        # nothing (0 €, or less when a paid appel was credited). Any other status then refuses it,
        # and the transaction takes the payment back.
        payment = payment_add(
            invoice=appel, paid_on=paid_on, amount=amount, method=method, reference=reference, by=by
        )
        _require_status(adhesion, Status.APPEL_EMIS)
        appel = document_with_balance(appel)  # billing's one definition of a balance
        if appel.balance <= 0:
            _transition(adhesion, Status.PAYEE, by, f"Payé : {_euros(appel.paid)}")
            adhesion.save()
            # The "paid" email carries the attestation: a worker sends it once it is rendered.
            _render_documents_after_commit(adhesion.pk)
        else:
            emails.adhesion_payment_send(adhesion, payment)
    return payment


# --- Documents (rendered by a worker, after the commit) -------------------------------------------

# A document still missing this long after its step was committed is rendered again by beat (the
# broker may have been down when the step was taken, or the worker died).
DOCUMENT_RETRY_AFTER = timedelta(minutes=5)


def _render_documents_after_commit(adhesion_id: int) -> None:
    from ..tasks import render_adhesion_documents

    transaction.on_commit(lambda: render_adhesion_documents.delay(adhesion_id), robust=True)


def _store_document(adhesion: Adhesion, field: str, filename: str, content: bytes, then) -> None:
    """Store ``content`` as the adhésion's ``field`` unless another worker stored it first, and
    ``then(adhesion)`` (the email that carries the document) in the same transaction."""
    file = getattr(adhesion, field)
    name = file.storage.save(file.field.generate_filename(adhesion, filename), ContentFile(content))
    with transaction.atomic():
        if Adhesion.objects.filter(pk=adhesion.pk, **{field: ""}).update(**{field: name}):
            pagecache.invalidate("territories")  # update() sends no post_save: the year lists documents
            setattr(adhesion, field, name)
            then(adhesion)
            return
    file.storage.delete(name)  # the other worker's copy stays


def _called_email(adhesion: Adhesion) -> None:
    emails.adhesion_called_send(
        adhesion, adhesion.transitions.filter(to_status=Status.APPEL_EMIS).latest("pk")
    )


def _paid_email(adhesion: Adhesion) -> None:
    from billing.selectors import appel_last_payment

    emails.adhesion_paid_send(adhesion, appel_last_payment(adhesion))


def adhesion_documents_render(*, adhesion_id: int) -> list[str]:
    """Render and store the documents an adhésion should have and lacks (its call once numbered, its
    attestation once paid); returns the fields stored. Holds no lock while rendering and is safe to
    run twice: the first stored document wins, and a stored one is never replaced."""
    from billing.models import Invoice
    from billing.services import billing_identity_get, invoice_pdf_render

    from ..pdf import attestation_pdf

    adhesion = Adhesion.objects.select_related("campaign", "territory").get(pk=adhesion_id)
    stored = []
    if adhesion.imported:
        return stored  # its documents were issued outside the portal
    appel = adhesion.invoices.filter(kind=Invoice.Kind.APPEL).first()
    if adhesion.call_number and not adhesion.call_pdf and appel is not None:
        content = invoice_pdf_render(invoice_id=appel.pk)
        _store_document(adhesion, "call_pdf", f"appel-{adhesion.call_number}.pdf", content, _called_email)
        stored.append("call_pdf")
    if adhesion.status == Status.PAYEE and not adhesion.attestation_pdf:
        filename = f"attestation-{adhesion.year}-{adhesion.territory.slug}.pdf"
        content = attestation_pdf(adhesion, billing_identity_get())
        _store_document(adhesion, "attestation_pdf", filename, content, _paid_email)
        stored.append("attestation_pdf")
    return stored


def adhesion_documents_missing(*, now=None) -> list[int]:
    """Adhésions whose call or attestation should exist for a while already and does not."""
    before = (now or timezone.now()) - DOCUMENT_RETRY_AFTER
    return list(
        Adhesion.objects.filter(
            Q(call_number__isnull=False, call_pdf="", call_issued_at__lt=before)
            | Q(status=Status.PAYEE, attestation_pdf="", updated_at__lt=before)
        )
        .exclude(imported=True)
        .values_list("pk", flat=True)
    )


def adhesion_cancel(*, adhesion: Adhesion, by: User, reason: str) -> Adhesion:
    _require_staff(by)
    if not reason.strip():
        raise AdhesionError("Indiquez le motif de l'annulation.")
    with transaction.atomic():
        adhesion = _locked(adhesion)
        _require_status(adhesion, Status.BROUILLON, Status.SOUMISE, Status.VALIDEE, Status.APPEL_EMIS)
        was_called = adhesion.status == Status.APPEL_EMIS
        transition = _transition(adhesion, Status.ANNULEE, by, reason)
        adhesion.cancel_reason = reason
        adhesion.save()
        if was_called:
            from billing.services import appel_credit

            # The avoir referring to the appel.
            appel_credit(adhesion=adhesion, year=adhesion.campaign.year, reason=reason, by=by)
        emails.adhesion_cancelled_send(adhesion, transition)
    return adhesion


def adhesion_amount_correct(*, adhesion: Adhesion, amount: Decimal, reason: str, by: User) -> Adhesion:
    """Correct the amount of a called adhésion: a credit note cancels its appel and a new adhésion,
    with the same answers and the corrected amount, gets a new appel. Returns the new adhésion."""
    from billing.services import BillingError

    _require_staff(by, "billing.change_invoice")
    if amount is None or amount <= 0 or amount != amount.quantize(CENT):
        raise BillingError("Le montant corrigé doit être positif, avec au plus deux décimales.")
    if not reason.strip():
        raise BillingError("Indiquez le motif de la correction.")
    with transaction.atomic():
        old = Adhesion.objects.select_for_update().select_related("campaign", "territory").get(pk=adhesion.pk)
        if old.status != Status.APPEL_EMIS:
            raise BillingError("Seul le montant d'un appel émis et non payé peut être corrigé.")
        if amount == old.amount:
            raise BillingError("Le montant corrigé est celui de l'appel.")
        adhesion_cancel(adhesion=old, by=by, reason=f"Correction du montant : {reason}")
        new = Adhesion(
            territory=old.territory,
            campaign=old.campaign,
            status=Status.VALIDEE,
            population=old.population,
            amount=amount,
            amount_basis=f"Montant corrigé ({reason}) : {_euros(amount)}",
            submitted_at=old.submitted_at,
            **{field: getattr(old, field) for field in CARRIED_OVER_FIELDS},
        )
        new.save()
        AdhesionTransition.objects.create(
            adhesion=new,
            to_status=Status.VALIDEE,
            by=by,
            message=f"Correction de l'appel n° {old.call_number} : {reason}",
        )
        return call_issue(adhesion=new, by=by)


# --- Reminders --------------------------------------------------------------------------------


def adhesion_reminders_send(*, today: date | None = None) -> int:
    """Record every reminder due today in the outbox; returns how many were new.

    The outbox key (year or adhésion, kind, step, person) makes each reminder exist once: a second
    run, a retried task or a second beat records nothing more, and a reminder recorded just before a
    crash is sent by the outbox relay. When several steps fell due while nothing ran, only the
    latest is sent.
    """
    today = today or timezone.localdate()
    reminders = ReminderBatch()
    for campaign in AdhesionCampaign.objects.filter(opens_on__lte=today, closes_on__gte=today):
        step = latest_due_step(campaign.opens_on, campaign.reminder_days_without_submission, today)
        if step is None:
            continue
        submitted = (
            Adhesion.objects.filter(campaign=campaign).exclude(status=Status.BROUILLON).values("territory_id")
        )
        pending = (
            Territory.objects.exclude(pk__in=submitted).filter(memberships__role=Role.REFERENT).distinct()
        )
        referents = referents_by_territory(pending.values("pk"))
        for territory in pending:
            for user in referents.get(territory.pk, []):
                reminders.add(
                    key=f"adhesion-reminder:{campaign.year}:{territory.pk}:not-submitted:{step}:{user.pk}",
                    user=user,
                    template="members/email/adhesion_reminder_not_submitted",
                    context={"campaign": campaign, "territory": territory, "user": user},
                )
    unpaid = adhesions_for_staff(Adhesion.objects.filter(status=Status.APPEL_EMIS, imported=False))
    referents = referents_by_territory(unpaid.values("territory_id"))
    for adhesion in unpaid:
        step = latest_due_step(
            timezone.localdate(adhesion.call_issued_at), adhesion.campaign.reminder_days_unpaid, today
        )
        if step is None:
            continue
        _add_unpaid_reminders(
            reminders,
            adhesion,
            referents.get(adhesion.territory_id, []),
            key=f"adhesion-reminder:{adhesion.pk}:unpaid:{step}",
            context={"days": step},
        )
    return reminders.record()


def _add_unpaid_reminders(reminders: ReminderBatch, adhesion, referents, *, key: str, context: dict) -> None:
    """An unpaid reminder to each référent and to the billing contact, quoting what remains to pay
    (``adhesion.paid`` and ``adhesion.balance``, the appel's, come from
    :func:`members.selectors.adhesions_for_staff`)."""
    remaining = adhesion.balance if adhesion.balance is not None else adhesion.amount or Decimal("0")
    context = {
        **context,
        "adhesion": adhesion,
        "territory": adhesion.territory,
        "paid": adhesion.paid,
        "remaining": remaining,
    }
    template = "members/email/adhesion_reminder_unpaid"
    addresses = set()
    for user in referents:
        addresses.add(user.email.lower())
        reminders.add(key=f"{key}:{user.pk}", user=user, template=template, context=context)
    billing = (adhesion.billing_contact_email or "").strip().lower()
    if billing and billing not in addresses:
        name = (adhesion.billing_contact_name or "").split(" ")[0]
        reminders.add_address(
            key=f"{key}:billing", email=billing, name=name, template=template, context=context
        )


def adhesion_remind_now(*, adhesion: Adhesion, by: User, today: date | None = None) -> int:
    """Staff ask for a reminder now (at most one a day per adhésion and person); returns how many
    emails were recorded."""
    _require_staff(by)
    today = today or timezone.localdate()
    if adhesion.status == Status.BROUILLON:
        template, kind = "members/email/adhesion_reminder_not_submitted", "not-submitted"
    elif adhesion.status == Status.APPEL_EMIS:
        template, kind = "members/email/adhesion_reminder_unpaid", "unpaid"
    else:
        raise WrongStatus(f"Pas de relance pour une adhésion « {adhesion.get_status_display()} ».")
    reminders = ReminderBatch()
    referents = referents_by_territory([adhesion.territory_id]).get(adhesion.territory_id, [])
    key = f"adhesion-reminder:{adhesion.pk}:{kind}:manual-{today:%Y%m%d}"
    if kind == "unpaid":
        adhesion = adhesions_for_staff(Adhesion.objects.filter(pk=adhesion.pk)).get()
        _add_unpaid_reminders(
            reminders, adhesion, referents, key=key, context={"campaign": adhesion.campaign}
        )
        return reminders.record()
    for user in referents:
        reminders.add(
            key=f"{key}:{user.pk}",
            user=user,
            template=template,
            context={
                "adhesion": adhesion,
                "campaign": adhesion.campaign,
                "territory": adhesion.territory,
                "user": user,
            },
        )
    return reminders.record()
