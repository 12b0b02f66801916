from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anpp_portal import pagecache
from anpp_portal.staffpolicy import STAFF_HOME_PERMISSION, staff_permission_required

from . import selectors


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required(STAFF_HOME_PERMISSION, not_staff=PermissionDenied)
def home(request):
    """The staff home: what needs action now and the key figures of the year."""
    today = timezone.localdate()
    # The same for every staff member: kept until anything changes, or the day does.
    html = pagecache.cached_fragment(
        "staff-home",
        vary=today.isoformat(),
        sections=("staff",),
        render=lambda: render_to_string(
            "backoffice/_home.html",
            {"items": selectors.action_items(today), "figures": selectors.key_figures(today), "today": today},
            request=request,
        ),
    )
    # The reminder buttons of the open enquêtes carry each request's own CSRF token.
    content = mark_safe(pagecache.fill_csrf(html, request))  # noqa: S308 (rendered escaped)
    return render(request, "backoffice/home.html", {"content_html": content})
