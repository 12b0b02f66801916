from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_safe
from django.views.i18n import set_language as django_set_language

from .bodylimits import small_body
from .health import portal_status
from .pagecache import public_page
from .storage import public_media_response

# The language switch sits in the footer of every page. Without a CSRF token there, public pages
# set no cookie and can be served from the page cache; forging it only changes a display language.
set_language = csrf_exempt(small_body(django_set_language))


@public_page()
@require_safe
def home(request):
    return render(request, "home.html")


@public_page()
@require_safe
def accessibility(request):
    return render(request, "accessibility.html")


@never_cache
@require_GET
def health(request):
    checks = portal_status()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@require_safe
def public_media(request, path):
    """Covers and logos of the default storage (in production too: whitenoise serves only static
    files). Only the folders of PUBLIC_MEDIA_PREFIXES; a proxy may serve them instead (README)."""
    return public_media_response(path)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database or a template tag may be what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
