"""The emails of a territory's year: one function per email, each recorded in the outbox once per key.

Every adhésion step is told to the territory's référents and to the adhésion's billing contact (often
a finance department that has no account): a recipient is named in the key by the person's id or by
``billing``, so a retried step records nothing twice and each address gets one copy.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from anpp_portal.outbox import Attachment, email_enqueue

from .models import (
    Adhesion,
    AdhesionTransition,
    FicheRenseignements,
    Role,
    SurveyResponse,
    TerritoryMembership,
)

_muted: ContextVar[bool] = ContextVar("members_emails_muted", default=False)


@contextmanager
def muted():
    """Nobody is written to inside this block: the demo data goes through the services without
    emailing its (fictional) addresses."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


@dataclass(frozen=True)
class Recipient:
    """Who an email goes to; ``tag`` names them in the outbox key (``u42`` or ``billing``)."""

    email: str
    first_name: str
    tag: str


def referents_of(territory_id: int) -> list[Recipient]:
    return [
        Recipient(m.user.email.lower(), m.user.first_name, f"u{m.user_id}")
        for m in TerritoryMembership.objects.filter(
            territory_id=territory_id, role=Role.REFERENT, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
    ]


def adhesion_recipients(adhesion: Adhesion) -> list[Recipient]:
    """The référents, then the billing contact unless a référent has that address already."""
    recipients = referents_of(adhesion.territory_id)
    billing = (adhesion.billing_contact_email or "").strip().lower()
    if billing and billing not in {r.email for r in recipients}:
        first_name = (adhesion.billing_contact_name or "").split(" ")[0]
        recipients.append(Recipient(billing, first_name, "billing"))
    return recipients


def _file_attachment(field, filename: str) -> Attachment:
    """The stored PDF, read through its field's storage (wherever that storage keeps it)."""
    # A handle of its own from the field's storage: the field's cached file stays open for its callers.
    with field.storage.open(field.name, "rb") as handle:
        content = handle.read()
    return Attachment(filename=filename, content=content, mimetype="application/pdf")


def call_attachment(adhesion: Adhesion) -> Attachment:
    return _file_attachment(adhesion.call_pdf, f"appel-{adhesion.call_number}.pdf")


def attestation_attachment(adhesion: Adhesion) -> Attachment:
    return _file_attachment(
        adhesion.attestation_pdf, f"attestation-{adhesion.year}-{adhesion.territory.slug}.pdf"
    )


def _send_to_all(
    adhesion: Adhesion, *, key: str, template: str, context: dict, attachments: list[Attachment] | None = None
) -> int:
    from .selectors import adhesion_balance

    if _muted.get():
        return 0
    base = {
        "adhesion": adhesion,
        "territory": adhesion.territory,
        "campaign": adhesion.campaign,
        "balance": adhesion_balance(adhesion),
        **context,
    }
    recipients = adhesion_recipients(adhesion)
    for recipient in recipients:
        email_enqueue(
            key=f"{key}:{recipient.tag}",
            to=recipient.email,
            template=template,
            context={**base, "recipient": recipient},
            attachments=attachments,
        )
    return len(recipients)


def adhesion_submitted_send(adhesion: Adhesion, transition: AdhesionTransition) -> int:
    """A recap of what was declared, to check before ANPP validates it."""
    return _send_to_all(
        adhesion,
        key=f"adhesion:{adhesion.pk}:submitted:{transition.pk}",
        template="members/email/adhesion_submitted",
        context={"transition": transition},
    )


def adhesion_returned_send(adhesion: Adhesion, transition: AdhesionTransition) -> int:
    """Staff sent the adhésion back to the territory: their message says what to change."""
    return _send_to_all(
        adhesion,
        key=f"adhesion:{adhesion.pk}:returned:{transition.pk}",
        template="members/email/adhesion_returned",
        context={"transition": transition},
    )


def adhesion_called_send(adhesion: Adhesion, transition: AdhesionTransition) -> int:
    """Validated, and the call for payment issued: its PDF attached."""
    return _send_to_all(
        adhesion,
        key=f"adhesion:{adhesion.pk}:called:{transition.pk}",
        template="members/email/adhesion_called",
        context={"transition": transition},
        attachments=[call_attachment(adhesion)],
    )


def adhesion_payment_send(adhesion: Adhesion, payment) -> int:
    """A payment recorded that does not settle the cotisation: amount, mode and what remains."""
    return _send_to_all(
        adhesion,
        key=f"adhesion:{adhesion.pk}:payment:{payment.pk}",
        template="members/email/adhesion_payment",
        context={"payment": payment},
    )


def adhesion_paid_send(adhesion: Adhesion, payment) -> int:
    """The cotisation is paid: the attestation attached."""
    return _send_to_all(
        adhesion,
        key=f"adhesion:{adhesion.pk}:paid:{payment.pk}",
        template="members/email/adhesion_paid",
        context={"payment": payment},
        attachments=[attestation_attachment(adhesion)],
    )


def adhesion_cancelled_send(adhesion: Adhesion, transition: AdhesionTransition) -> int:
    return _send_to_all(
        adhesion,
        key=f"adhesion:{adhesion.pk}:cancelled:{transition.pk}",
        template="members/email/adhesion_cancelled",
        context={"transition": transition},
    )


def fiche_submitted_send(fiche: FicheRenseignements, recap: list[dict]) -> int:
    """The submitted fiche acknowledged to the référents (and to whoever submitted it), with a recap."""
    if _muted.get():
        return 0
    recipients = referents_of(fiche.territory_id)
    submitter = fiche.updated_by
    if submitter is not None and submitter.email.lower() not in {r.email for r in recipients}:
        recipients.append(Recipient(submitter.email.lower(), submitter.first_name, f"u{submitter.pk}"))
    for recipient in recipients:
        email_enqueue(
            key=f"fiche:{fiche.pk}:submitted:{fiche.version}:{recipient.tag}",
            to=recipient.email,
            template="members/email/fiche_submitted",
            context={"fiche": fiche, "territory": fiche.territory, "recap": recap, "recipient": recipient},
        )
    return len(recipients)


def survey_submitted_send(response: SurveyResponse, recap: list[dict]) -> int:
    """A submitted answer to an enquête acknowledged with the answers: to the person who answered
    for a survey asked of every person, else to the référents and whoever submitted it."""
    if _muted.get():
        return 0
    submitter = response.updated_by
    recipients = [] if response.person_id else referents_of(response.territory_id)
    if submitter is not None and submitter.email.lower() not in {r.email for r in recipients}:
        recipients.append(Recipient(submitter.email.lower(), submitter.first_name, f"u{submitter.pk}"))
    for recipient in recipients:
        email_enqueue(
            key=f"survey:{response.pk}:submitted:{response.version}:{recipient.tag}",
            to=recipient.email,
            template="members/email/survey_submitted",
            context={
                "response": response,
                "survey": response.campaign,
                "territory": response.territory,
                "recap": recap,
                "recipient": recipient,
            },
        )
    return len(recipients)
