"""How large a request body may be, checked on its declared length before anything reads it.

Django bounds the form fields it keeps in memory (DATA_UPLOAD_MAX_MEMORY_SIZE) but spools uploaded
files to disk whatever their size, and the CSRF check parses a POST before any view runs. So:

- every request: at most ``ANPP_MAX_REQUEST_BYTES`` (the largest upload, a cover, plus margin),
  answered 413 before the body is read (the proxy's own limit should say the same, README);
- forms without files that anyone may post (the CSRF-exempt newsletter and language forms): a few
  kilobytes (``small_body``).
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

SMALL_FORM_BYTES = 8 * 1024


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large() -> HttpResponse:
    return HttpResponse(_("Requête trop volumineuse."), status=413, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _declared_length(request) > settings.ANPP_MAX_REQUEST_BYTES:
            return _too_large()
        return self.get_response(request)


def small_body(view, max_bytes: int = SMALL_FORM_BYTES):
    """A view whose form has a few short fields: a larger body is refused unread (under this size
    a multipart body stays in memory: nothing is spooled to disk)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _declared_length(request) > max_bytes:
            return _too_large()
        return view(request, *args, **kwargs)

    return wrapped
