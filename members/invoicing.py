"""What billing asks of members, registered in billing's registry by MembersConfig.ready():
billing imports no app (STYLE.md habit 13), so it reaches an appel's adhésion and a person's
territories through these functions only."""

from billing import registry

from . import services
from .permissions import Action, territories_for


def territories_visible_to(*, user):
    """The territories whose documents ``user`` may read: those whose pages they may view."""
    return territories_for(user, Action.VIEW)


def appel_payment_record(*, invoice, paid_on, amount, method, reference, by):
    """A payment of an appel, recorded under its adhésion's lock (payée once the balance is zero)."""
    return services.payment_record(
        adhesion=invoice.adhesion, paid_on=paid_on, amount=amount, method=method, reference=reference, by=by
    )


def appel_amount_correct(*, invoice, amount, reason, by):
    """The corrected appel of ``invoice``'s adhésion: its credit note, then a new adhésion called."""
    from billing.models import Invoice

    adhesion = services.adhesion_amount_correct(
        adhesion=invoice.adhesion, amount=amount, reason=reason, by=by
    )
    return adhesion.invoices.get(kind=Invoice.Kind.APPEL)


def register() -> None:
    registry.register("territories_visible_to", territories_visible_to)
    registry.register("appel_payment_record", appel_payment_record)
    registry.register("appel_amount_correct", appel_amount_correct)
