import logging

from allauth.core.ratelimit import respond_429
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_cache_control

from .ratelimit import TooManyLoginAttempts

logger = logging.getLogger(__name__)


class RejectNulMiddleware:
    """A NUL character in the path or the query string is a 400, before any view: PostgreSQL refuses
    it in a string ("A string literal cannot contain NUL"), which would be a 500. Forms refuse it in
    posted fields already (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(loader.get_template("400.html").render(), content_type="text/html")
        return self.get_response(request)


class ServiceErrorsMiddleware:
    """Turn a lost database connection into a clean 503 page, and an exhausted login rate limit
    into allauth's 429 page, instead of a traceback or a bare 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TooManyLoginAttempts):
            return respond_429(request)
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable while serving %s", request.path, exc_info=exception)
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response


def chosen_language(request) -> str:
    """The language of the switch's cookie when it is one the portal speaks, else French."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class FrenchFirstLocaleMiddleware:
    """French for everyone unless the person chose another language with the switch (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language and show English to a French
    civil servant whose browser happens to be set to English; the portal speaks French first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePagesMiddleware:
    """Pages shown to a logged-in person hold personal data: no cache may keep them (``no-store``),
    so the next person on a shared computer or behind a shared proxy never sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
