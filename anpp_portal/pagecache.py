"""A whole-page cache for anonymous visitors of the public pages (home, events, magazine).

Pages are served from the shared cache right after WhiteNoise, before sessions, CSRF,
authentication, the database or templates run, so a public page costs about what a static file
costs. It is safe by construction:

- only responses of views marked with :func:`public_page` are stored, only for GET, only with
  status 200, only when the request carries no cookie but the CSRF and language ones (no session
  and no flash message, so nothing personal can be on the page) and the response sets no cookie
  and is not marked private or no-store;
- the key holds the scheme, host, language and the full path with its query string;
- each entry records the generation of the content sections it shows (``events``,
  ``publications``). Any save or delete of a model of those apps moves that generation on, at once
  and again when the transaction commits (services that write with ``QuerySet.update()`` call
  :func:`invalidate` themselves), so the next request renders afresh. The generations are read
  before the page is rendered, so a change committed during the rendering is never hidden. A short
  lifetime (``ANPP_PAGE_CACHE_SECONDS``) bounds what time alone changes: registrations opening or
  closing, a scheduled issue going live;
- every stored page has an ETag, so a browser revalidates with a 304.

Pages for a logged-in person are never stored whole. A fragment of one may be, for that person
only, with Django's ``{% cache %}`` tag keyed by the person and :func:`generation` of the
``members`` section (see templates/members/space.html).

When the cache is unreachable the page is rendered as if there were no cache.
"""

import hashlib
import logging
import secrets
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

logger = logging.getLogger(__name__)

SECTIONS = ("events", "publications", "members")
# Models of those apps that no public page shows: saving them leaves the cached pages valid.
UNSHOWN_MODELS = {"publications.issuepdf", "publications.subscriber", "publications.announcement"}
_GENERATION_KEY = "pagecache:generation:{}"
_SECTIONS_ATTRIBUTE = "_public_page_sections"
_UNCACHEABLE_HEADERS = {"set-cookie", "x-page-cache"}


def public_page(*sections: str):
    """Mark a view whose page is the same for every anonymous visitor, showing data of ``sections``."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown page cache sections: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            setattr(response, _SECTIONS_ATTRIBUTE, sections)
            return response

        return wrapped

    return decorator


def content_changed(section: str) -> None:
    """Every cached page showing ``section`` is stale from now on (call it after the commit)."""
    try:
        cache.set(_GENERATION_KEY.format(section), secrets.token_hex(8), timeout=None)
    except Exception:  # the cache is down: nothing is served from it either
        logger.warning("Page cache unreachable; could not invalidate %s", section)


def invalidate(section: str) -> None:
    """Pages of ``section`` are stale now (this request and the tests see the change) and again once
    the transaction commits (a page another request rendered meanwhile from the data as it was
    before the commit is not kept)."""
    content_changed(section)
    transaction.on_commit(lambda: content_changed(section))


def generation(section: str) -> str:
    """The current generation of ``section``, to key a cached fragment with (``{% cache %}``)."""
    key = _GENERATION_KEY.format(section)
    try:
        current = cache.get(key)
        if current is None:
            cache.add(key, secrets.token_hex(8), timeout=None)
            current = cache.get(key)
    except Exception:  # the cache is down: a fresh value each time, so nothing is reused
        logger.warning("Page cache unreachable; no fragment reused")
        return secrets.token_hex(8)
    return current or secrets.token_hex(8)


def _model_changed(sender, **kwargs):
    label = sender._meta.app_label
    if label in SECTIONS and not kwargs.get("raw"):
        invalidate(label)


def connect_signals() -> None:
    """Called from the app config: watch the models of every cached section."""
    for section in SECTIONS:
        for model in apps.get_app_config(section).get_models():
            if model._meta.label_lower in UNSHOWN_MODELS or model._meta.model_name.startswith("historical"):
                continue
            uid = f"pagecache-{model._meta.label_lower}"
            post_save.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _model_changed_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}-m2m"
                )


def _model_changed_m2m(sender, instance, **kwargs):
    if kwargs.get("action", "").startswith("post_"):
        _model_changed(type(instance))


def _language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _eligible(request) -> bool:
    allowed_cookies = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return (
        settings.ANPP_PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and set(request.COOKIES) <= allowed_cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"pagecache:page:{_language(request)}:{digest}"


def _storable(request, response) -> bool:
    cache_control = response.get("Cache-Control", "")
    user = getattr(request, "user", None)
    return (
        getattr(response, _SECTIONS_ATTRIBUTE, None) is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not (user is not None and user.is_authenticated)
    )


def _etag(content: bytes) -> str:
    return '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'


class AnonymousPageCacheMiddleware:
    """Serve and store the public pages of anonymous visitors (see the module's docstring).

    Placed right after WhiteNoise: what it serves went through every middleware below it when it
    was rendered (security headers, CSP, language); the middleware above it run on every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _eligible(request):
            return self.get_response(request)
        generation_keys = [_GENERATION_KEY.format(section) for section in SECTIONS]
        try:
            page_key = _page_key(request)
            found = cache.get_many([page_key, *generation_keys])
        except Exception:  # a host Django refuses, or the cache is down: no caching for this one
            return self.get_response(request)
        generations = {
            section: found.get(key) for section, key in zip(SECTIONS, generation_keys, strict=True)
        }
        entry = found.get(page_key)
        if entry and all(
            generations[s] is not None and generations[s] == entry["generations"][s]
            for s in entry["generations"]
        ):
            return self._from_entry(request, entry)

        response = self.get_response(request)
        if _storable(request, response):
            self._store(page_key, response, generations)
        return response

    def _store(self, page_key, response, generations) -> None:
        sections = getattr(response, _SECTIONS_ATTRIBUTE)
        try:
            for section in sections:
                if generations[section] is None:
                    # First page of this section since the cache was emptied: start a generation,
                    # unless a concurrent change just did (then this page waits for the next request).
                    token = secrets.token_hex(8)
                    if not cache.add(_GENERATION_KEY.format(section), token, timeout=None):
                        return
                    generations[section] = token
            if not response.has_header("ETag"):
                response["ETag"] = _etag(response.content)
            headers = [
                (name, value) for name, value in response.items() if name.lower() not in _UNCACHEABLE_HEADERS
            ]
            entry = {
                "generations": {section: generations[section] for section in sections},
                "headers": headers,
                "content": response.content,
            }
            cache.set(page_key, entry, timeout=settings.ANPP_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        except Exception:
            logger.warning("Page cache unreachable; page not stored")

    def _from_entry(self, request, entry) -> HttpResponse:
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
