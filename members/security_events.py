"""Security events (failed logins, denied accesses) on the "anpp.security" logger, without personal data.

A log line names no one: an account appears as a keyed digest of the identifier typed at login (so
that attempts on one account can be correlated without the address being readable, even by someone
holding a list of addresses: the digest needs SECRET_KEY), a person as their user id, a client as
its network (/24 for IPv4, /48 for IPv6) rather than its address.
"""

import ipaddress
import logging

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.crypto import salted_hmac

security_log = logging.getLogger("anpp.security")

NOBODY = "-"
_IDENTIFIER_KEYS = ("email", "username", "login")


def account_digest(identifier: str) -> str:
    return salted_hmac("anpp.security.account", identifier.strip().casefold()).hexdigest()[:16]


def client_network(request) -> str:
    """The client's network, as far as the trusted proxies let us know it."""
    from allauth.account.adapter import get_adapter

    if request is None:
        return NOBODY
    try:
        address = ipaddress.ip_address(get_adapter(request).get_client_ip(request))
    except (PermissionDenied, ImproperlyConfigured, ValueError):
        return NOBODY
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else NOBODY


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else NOBODY


def log_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Receiver of django.contrib.auth's ``user_login_failed``: allauth's login and the admin's both
    end in ``authenticate()``. Only a digest of the identifier typed is logged, never the identifier."""
    identifier = next((credentials[key] for key in _IDENTIFIER_KEYS if credentials.get(key)), None)
    security_log.warning(
        "login_failed account=%s network=%s path=%s",
        account_digest(str(identifier)) if identifier else NOBODY,
        client_network(request),
        getattr(request, "path", NOBODY),
    )


def log_access_denied(request, *, status: int, reason: str) -> None:
    security_log.warning(
        "access_denied status=%s view=%s user=%s reason=%s",
        status,
        _view_name(request),
        _user_id(request),
        reason,
    )


def permission_denied(request, exception=None):
    """handler403: log the refusal, then answer with the portal's 403 page."""
    from anpp_portal.views import permission_denied as render_permission_denied

    log_access_denied(request, status=403, reason="permission_denied")
    return render_permission_denied(request, exception)
