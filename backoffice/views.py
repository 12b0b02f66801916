from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import selectors


@never_cache
@require_http_methods(["GET"])
def home(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "backoffice/home.html",
        {"items": selectors.action_items(today), "figures": selectors.key_figures(today), "today": today},
    )
