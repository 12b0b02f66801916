import datetime
import logging
import uuid
from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from anpp_portal.emails import RenderedEmail, portal_site
from anpp_portal.formats import format_datetime
from anpp_portal.outbox import email_enqueue
from anpp_portal.ratelimit import TooManyLoginAttempts
from anpp_portal.staffpolicy import STAFF_HOME_PERMISSION, acts_as_staff, mfa_overdue

PENDING_INVITATION_SESSION_KEY = "members_pending_invitation"

security_log = logging.getLogger("anpp.security")


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account emails go through the outbox too: retried on SMTP failure, visible to staff.

        allauth's own send_mail (replaced here) gives its templates ``current_site``: without it
        they read "Bonjour, c'est  !"; the sites framework is not installed, so it is the portal's."""
        context = {"email": email, "current_site": portal_site(), **context}
        if isinstance(context.get("timestamp"), datetime.datetime):  # notifications: "Date : …"
            context["timestamp"] = format_datetime(context["timestamp"])
        # allauth builds its links (activate_url, password_reset_url, signup_url…) from the request's
        # Host header, which the requester chooses: every link points to SITE_URL instead.
        context = {
            key: on_site(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        email_enqueue(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            to=email,
            rendered=RenderedEmail(subject=message.subject, text=message.body, html=html),
            # Verification and reset emails carry a credential; notifications do not, but erasing
            # every account email after sending costs nothing.
            sensitive=True,
        )

    def get_login_redirect_url(self, request):
        """A person who followed an invitation link before logging in comes back to it; one with an
        invitation waiting for a verified address of theirs (opened in another browser, or never
        opened) is offered it; anyone else lands on their own home."""
        key = request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        if key:
            return reverse("members:invitation", kwargs={"key": key})
        from . import selectors

        if selectors.pending_invitations_for_user(request.user).exists():
            return reverse("members:pending_invitations")
        return home_after_login(request.user) or super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        """After confirming an address that an invitation was sent to, log in and land on it, even in
        a browser that never saw the invitation link."""
        from . import selectors

        request = getattr(self, "request", None)
        key = request.session.get(PENDING_INVITATION_SESSION_KEY) if request is not None else None
        if request is not None and request.user.is_authenticated:
            return super().get_email_verification_redirect_url(email_address)  # our login redirect
        if key:
            target = reverse("members:invitation", kwargs={"key": key})
        elif email_address.user_id and selectors.pending_invitations_for_user(email_address.user).exists():
            target = reverse("members:pending_invitations")
        else:
            return super().get_email_verification_redirect_url(email_address)
        return f"{reverse('account_login')}?{urlencode({'next': target})}"

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                security_log.warning("Login refused: failed-login rate limit reached (path %s)", request.path)
                raise TooManyLoginAttempts from exc
            raise


def on_site(url: str) -> str:
    """``url`` (absolute or a path) as a link to the portal at ``SITE_URL``, whatever host it names."""
    parts = urlsplit(url)
    path = (
        parts.path
        + (f"?{parts.query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )
    return settings.SITE_URL + path


def home_after_login(user) -> str | None:
    """Where a person lands after logging in, when no page asked for them (``?next=``): ANPP staff on
    the staff home; everyone else on the default (``LOGIN_REDIRECT_URL``, the territory space)."""
    # An account whose TOTP is overdue lands there too: the staff home sends it to the TOTP setup.
    if acts_as_staff(user, STAFF_HOME_PERMISSION) or mfa_overdue(user):
        return reverse("backoffice:home")
    from . import selectors

    # A person of exactly one territory lands on its year page; of several, on their list.
    return selectors.territory_landing_url(user)
