import logging

from allauth.core.ratelimit import respond_429
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from members.adapters import TooManyLoginAttempts

logger = logging.getLogger(__name__)


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
