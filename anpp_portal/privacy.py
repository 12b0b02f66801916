"""A person's data across the portal: each app's ``privacy`` module gives what it holds and erases it.

An app's module has ``personal_data(user) -> dict``, ``erase(user)`` (anonymise what must be kept,
such as statistics) and optionally ``blocking_reasons(user) -> list[str]``.
"""

import importlib
import importlib.util
import logging

from django.db import transaction
from django.utils import timezone

APPS = ["members", "events", "publications", "resources", "legal"]
security_log = logging.getLogger("anpp.security")


class AccountDeletionBlocked(Exception):
    def __init__(self, reasons):
        self.reasons = reasons
        super().__init__(" ".join(reasons))


def _modules():
    for app in APPS:
        if importlib.util.find_spec(f"{app}.privacy") is not None:
            yield app, importlib.import_module(f"{app}.privacy")


def personal_data_export(*, user) -> dict:
    data = {"exporte_le": timezone.now().isoformat(), "portail": "Portail de l'ANPP"}
    for app, module in _modules():
        data[app] = module.personal_data(user)
    return data


def account_delete(*, user) -> None:
    """Delete the account and everything tied to it; anonymise what statistics or history keep."""
    reasons = [
        reason
        for _app, module in _modules()
        if hasattr(module, "blocking_reasons")
        for reason in module.blocking_reasons(user)
    ]
    if reasons:
        raise AccountDeletionBlocked(reasons)
    with transaction.atomic():
        for _app, module in _modules():
            module.erase(user)
        user_id = user.pk
        user.delete()  # memberships, email addresses and authenticators go with it; history keeps no link
    security_log.info("Account %s deleted at its owner's request", user_id)
