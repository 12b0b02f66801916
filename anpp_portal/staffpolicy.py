"""Who may act as ANPP staff: the one answer every app asks (STYLE.md habits 11 and 14).

``acts_as_staff(user, permission)`` is true for an account that is active, staff (``is_staff``),
holds ``permission`` (given by the group « Équipe ANPP », migration members.0013_staff_group) and,
where TOTP is required (``ANPP_STAFF_MFA_REQUIRED``), has set TOTP up or is still inside its grace
period (``ANPP_STAFF_MFA_GRACE_DAYS`` after the account was created). An account that fails it is
treated as a plain person: it sees only the territories it acts for, like anyone else.

Being staff alone (``is_staff_account``) only opens the door of the admin and of the staff pages:
behind each door the page asks ``acts_as_staff`` with its permission (``staff_permission_required``),
and an account whose TOTP is overdue is sent to the TOTP setup from any of them
(``StaffMfaMiddleware``).

It lives on the ground floor (it needs only django.contrib.auth, allauth.mfa and settings) so that
every app, billing included, may ask it. No other module tests ``is_staff``, ``is_superuser`` or
``has_perm``: tests/test_staff_policy_source.py walks the source and fails on one.
"""

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone

STAFF_GROUP = "Équipe ANPP"
# What the staff home (/equipe/) asks: the header's staff links and the landing after login follow it.
STAFF_HOME_PERMISSION = "members.view_adhesion"


def is_staff_account(user) -> bool:
    """An active account marked as staff: the door of the admin, not a right by itself."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def has_totp(user) -> bool:
    """Has ``user`` set TOTP up? A yes is kept on the instance (a request's user), so that a page
    asking the policy for every row of a list asks the database once; a no is asked again, as the
    account may set TOTP up at any moment."""
    if getattr(user, "_anpp_has_totp", False):
        return True
    from allauth.mfa.models import Authenticator

    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if found:
        user._anpp_has_totp = True
    return found


def mfa_overdue(user) -> bool:
    """A staff account that must have TOTP by now and has not."""
    if not (settings.ANPP_STAFF_MFA_REQUIRED and is_staff_account(user)):
        return False
    deadline = user.date_joined + timedelta(days=settings.ANPP_STAFF_MFA_GRACE_DAYS)
    return timezone.now() >= deadline and not has_totp(user)


def acts_as_staff(user, permission: str) -> bool:
    """May ``user`` act as ANPP staff for ``permission`` ("app.codename")?"""
    return is_staff_account(user) and user.has_perm(permission) and not mfa_overdue(user)


def needs_mfa_reminder(user) -> bool:
    """Staff accounts are asked to enable TOTP until they have (the banner of every page)."""
    return is_staff_account(user) and not has_totp(user)


def staff_permission_required(permission: str, *, not_staff: type[Exception] | None = None):
    """Decorate a staff view (inside its login decorator): a 403 without ``permission``, and
    ``not_staff`` (PermissionDenied, Http404) for a person who is not staff at all. Marks the view
    as a staff page, where the second factor is required (StaffMfaMiddleware)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not_staff is not None and not is_staff_account(request.user):
                raise not_staff
            if mfa_overdue(request.user):
                return redirect("mfa_activate_totp")
            if not acts_as_staff(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.staff_page = True
        return wrapped

    return decorator


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
