"""What ANPP staff may do, and the second factor they must have.

Being staff (``is_staff``) only opens the door of the admin and of the staff pages; what is behind
each door needs a Django permission, given by the group « Équipe ANPP » (migration
0008_staff_group). A staff account without the permission gets a 403.

Past ``ANPP_STAFF_MFA_GRACE_DAYS`` after the account was created, a staff account without TOTP
(allauth.mfa) is sent to the TOTP setup page from the admin and from every staff page, when
``ANPP_STAFF_MFA_REQUIRED`` is on (the default with DEBUG=0).
"""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone

STAFF_GROUP = "Équipe ANPP"


def staff_permission_required(permission: str, *, not_staff: type[Exception] | None = None):
    """Decorate a staff view (inside its login decorator): a 403 without ``permission``, and
    ``not_staff`` (PermissionDenied, Http404) for a person who is not staff at all. Marks the view
    as a staff page, where the second factor is required (StaffMfaMiddleware)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not_staff is not None and not request.user.is_staff:
                raise not_staff
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.staff_page = True
        return wrapped

    return decorator


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_overdue(user) -> bool:
    """A staff account that must have TOTP by now and has not."""
    if not (settings.ANPP_STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
        return False
    deadline = user.date_joined + timedelta(days=settings.ANPP_STAFF_MFA_GRACE_DAYS)
    return timezone.now() >= deadline and not has_totp(user)


# The admin's own login and logout stay reachable (its login goes through allauth anyway).
_ADMIN_OPEN = {"login", "logout"}


class StaffMfaMiddleware:
    """Send an overdue staff account to the TOTP setup page from the admin and the staff pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        admin_page = match is not None and match.namespace == "admin" and match.url_name not in _ADMIN_OPEN
        if not (admin_page or getattr(view_func, "staff_page", False)):
            return None
        if not mfa_overdue(request.user):
            return None
        return redirect("mfa_activate_totp")
