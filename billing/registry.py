"""What billing asks of the apps above it.

billing imports no app of the portal (STYLE.md habits 11 and 13): the apps call its services with
what it needs (buyer, lines, the lock they hold), and what it must call back — whose documents a
person may read, how an appel's payment or amount correction changes its adhésion, what an event
registration's invoice holds — is registered here by the app that knows it, in its
``AppConfig.ready()``. Each hook has one name, one provider and one contract, listed in ``HOOKS``;
billing calls it by name with keyword arguments.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

HOOKS = {
    # members
    "territories_visible_to": "(user) → the territories whose documents ``user`` may read",
    "appel_payment_record": (
        "(invoice, paid_on, amount, method, reference, by) → the payment of an appel, recorded under "
        "its adhésion's lock; the adhésion becomes payée (attestation) when the balance reaches zero"
    ),
    "appel_amount_correct": (
        "(invoice, amount, reason, by) → the new appel: a credit note cancels ``invoice`` and a new "
        "adhésion with the corrected amount is called"
    ),
    # events
    "registrations_visible_to": "(user) → the registrations whose documents ``user`` may read",
    "registration_lock": (
        "(registration) → the registration read again with its territory and author, its event "
        "locked until the caller's transaction ends (no participant changes meanwhile)"
    ),
    "registration_invoice_content": (
        "(registration) → {subject, lines, total, buyer fields} of its invoice, under the lock "
        "taken by registration_lock; NothingToInvoice when no participant has a price to pay"
    ),
    "registrations_to_invoice": "(event) → its registrations that have something to invoice",
    "events_to_invoice": "(today) → the events whose invoicing date has come",
}

_registered: dict[str, Callable] = {}


def register(name: str, function: Callable) -> None:
    """Register ``function`` as the provider of the hook ``name`` (once per name: a second provider
    of the same hook is a mistake, except the same function registered again)."""
    if name not in HOOKS:
        raise ImproperlyConfigured(f"billing has no hook named {name!r} (see billing.registry.HOOKS).")
    if _registered.get(name, function) is not function:
        raise ImproperlyConfigured(f"billing's hook {name!r} is already registered by another function.")
    _registered[name] = function


def hook(name: str) -> Callable:
    """The function registered for ``name``; ImproperlyConfigured when no installed app provides it."""
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"billing's hook {name!r} has no provider: is the app that registers it installed?"
        ) from None
