"""The links listed under an article: web pages and email addresses only.

A ``javascript:`` or ``data:`` URL in an href runs in the reader's browser; the importer, the
admin (through the model's validator) and the template all accept http, https and mailto only.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# "mailto: name@example.fr" (a space after the colon, as the first issue prints it) is accepted.
LINK_RE = re.compile(r"^(https?://[^\s<>\"']+|mailto:\s?[^\s<>\"'@]+@[^\s<>\"']+)$", re.IGNORECASE)
MAX_LINKS = 50
MAX_LINK_LENGTH = 2000


def is_safe_link(value) -> bool:
    return isinstance(value, str) and len(value) <= MAX_LINK_LENGTH and bool(LINK_RE.match(value))


def validate_links(value) -> None:
    if not isinstance(value, list) or len(value) > MAX_LINKS:
        raise ValidationError(
            _("Donnez une liste d'au plus %(max)s liens.") % {"max": MAX_LINKS}, code="links"
        )
    refused = [str(link)[:80] for link in value if not is_safe_link(link)]
    if refused:
        raise ValidationError(
            _("Lien refusé (seuls http, https et mailto sont acceptés) : %(links)s")
            % {"links": ", ".join(refused)},
            code="link_scheme",
        )
