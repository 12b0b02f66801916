from django.conf import settings

from .staffpolicy import STAFF_HOME_PERMISSION, acts_as_staff, is_staff_account, needs_mfa_reminder

# Pages of ANPP staff that live in an app's URLs: the header highlights "Espace équipe" on them.
STAFF_PAGES = {
    "members:dashboard",
    "members:panorama",
    "members:fiche_review",
    "members:staff_remind",
    "members:questionnaire_preview",
    "events:staff_participants",
    "events:checkin",
    "events:statistics",
}


def nav_section(request) -> str:
    """Which item of the header's navigation the current page belongs to."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.app_name == "backoffice" or match.view_name in STAFF_PAGES:
        return "staff"
    if match.view_name == "members:my_data":
        return "my_data"
    if match.app_name == "members":
        return "territory"
    if (match.url_name or "").startswith(("account_", "mfa_")):
        return "account"
    return ""


def _needs_mfa_reminder(user) -> bool:
    # Kept for the person until their second factor (or anything of the members) changes.
    from . import pagecache

    return bool(
        pagecache.cached_fragment(
            "mfa-reminder",
            vary=str(user.pk),
            sections=("members",),
            render=lambda: "1" if needs_mfa_reminder(user) else "",
        )
    )


def portal(request):
    user = getattr(request, "user", None)
    section = nav_section(request)
    authenticated = bool(user and user.is_authenticated)
    match = getattr(request, "resolver_match", None)
    staff_nav = acts_as_staff(user, STAFF_HOME_PERMISSION)
    return {
        "anpp": settings.ANPP_IDENTITY,
        "nav_section": section,
        "show_mfa_banner": is_staff_account(user) and _needs_mfa_reminder(user),
        # The staff links of the header: for an account that may act as staff, not one whose TOTP
        # is overdue or that lacks the group (it is a plain person, see anpp_portal/staffpolicy.py).
        "staff_nav": staff_nav,
        # What the site's header shows of the page and the visitor (base.html keeps one per kind).
        "header_kind": ":".join(
            str(part)
            for part in (
                int(request.path == "/"),
                match.app_name if match else "",
                int(bool(match) and match.url_name == "join"),
                section,
                int(authenticated),
                int(staff_nav),
            )
        ),
    }
