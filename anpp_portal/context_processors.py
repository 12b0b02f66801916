from django.conf import settings

from members.selectors import user_needs_mfa_reminder


def portal(request):
    user = getattr(request, "user", None)
    return {
        "anpp": settings.ANPP_IDENTITY,
        "show_mfa_banner": bool(user and user.is_authenticated and user_needs_mfa_reminder(user)),
    }
