"""A whole-page cache for anonymous visitors of the public pages (home, events, magazine).

Pages are served from the shared cache right after WhiteNoise, before sessions, CSRF,
authentication, the database or templates run, so a public page costs about what a static file
costs. It is safe by construction:

- only responses of views marked with :func:`public_page` are stored, only for GET, only with
  status 200, only when the query string holds no parameter but those the view declares (a flood
  of ``?x=1``, ``?x=2``… is rendered, not stored), only when the request carries no cookie but the CSRF and language ones (no session
  and no flash message, so nothing personal can be on the page) and the response sets no cookie
  and is not marked private or no-store;
- the key holds the scheme, host, language and the full path with its query string;
- each entry records the generation of the content sections it shows (``events``,
  ``publications``, ``directory``). Any save or delete of a model of those apps (or, for the
  directory of member territories, of the members models it shows) moves that generation on, at once
  and again when the transaction commits (services that write with ``QuerySet.update()`` call
  :func:`invalidate` themselves), so the next request renders afresh. The generations are read
  before the page is rendered, so a change committed during the rendering is never hidden. A short
  lifetime (``ANPP_PAGE_CACHE_SECONDS``) bounds what time alone changes: registrations opening or
  closing, a scheduled issue going live;
- every stored page has an ETag, so a browser revalidates with a 304.

Pages for a logged-in person are never stored whole. Their parts are kept with
:func:`cached_fragment` (or the ``{% shared_fragment %}`` tag): a part every visitor shares (an
event's programme and seat counts, an issue's table of contents, a territory's year as its people
see it) under a key of what it shows, a person's own part (their registrations, their rights on a
territory) under their id. The ``territories`` and ``staff`` sections move with every model of a
territory's year and of the staff pages; a kept part with forms gets each request's own CSRF token
(:func:`fill_csrf`). Each process keeps copies of the fragments it used, served while the
generations they were made at are current; a request reads the generations once.

Everything lives in the ``pages`` cache alias, apart from the rate limits: a flood can only evict
pages. When that cache is unreachable the page is rendered as if there were no cache.
"""

import contextvars
import hashlib
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, set_response_etag

from .middleware import chosen_language

logger = logging.getLogger(__name__)

SECTIONS = (
    "events", "publications", "members", "directory", "territories", "staff", "questionnaire", "resources",
)  # fmt: skip
# Sections of the logged-in pages' shared fragments (never of a whole page): "territories" moves with
# every model of a territory's year (members and billing: adhésions, payments, fiches, invoices…),
# "staff" with every model of the apps the staff home and dashboard count across (the outbox's
# failed emails, adhésions, fiches, invoices, events).
TERRITORY_APPS = {"members", "billing"}
STAFF_APPS = {"anpp_portal", "members", "billing", "events", "legal"}
# The models whose changes a section's pages show: every model of the events and publications
# apps but those no public page shows; for members, what the territory space lists.
UNSHOWN_MODELS = {"publications.issuepdf", "publications.subscriber", "publications.announcement"}
MEMBERS_SHOWN = {
    "members.territory",
    "members.territorymembership",
    "members.invitation",
    "members.user",
    # The fee schedule of the public "Adhérer à l'ANPP" page.
    "members.adhesioncampaign",
    "members.feebracket",
    "members.flatfee",
}
# A model of one section shown by another section's pages too (the territories an article cites), and
# what the public directory of the member territories shows (members/directory.py): who is a member
# (adhésions and their campaigns), the territory's public fields, its EPCI (from its fiche) and what
# its référent chose to make public.
ALSO_SHOWN_IN = {
    "members.territory": ("publications", "directory"),
    "members.territory_departments": ("directory",),
    "members.adhesion": ("directory",),
    "members.adhesioncampaign": ("directory",),
    "members.ficherenseignements": ("directory",),
    "members.directoryprofile": ("directory",),
    # A staff account's second factor: the banner asking for it is kept for the person.
    "mfa.authenticator": ("members",),
    # A person's verified addresses: the invitations waiting for them in their territory space.
    "account.emailaddress": ("members",),
    # The fiche's questionnaire, kept built in each process (members.questionnaire.for_campaign).
    "members.fichecampaign": ("questionnaire",),
    "members.survey": ("questionnaire",),
    "members.questionnairesection": ("questionnaire",),
    "members.question": ("questionnaire",),
}
_GENERATION_KEY = "pagecache:generation:{}"
_UNCACHEABLE_HEADERS = {"set-cookie", "x-page-cache"}


def _cache():
    return caches["pages"]


@dataclass(frozen=True)
class PublicPage:
    sections: tuple[str, ...]
    params: frozenset[str]


def public_page(*sections: str, params: tuple[str, ...] = ()):
    """Mark a view whose page is the same for every anonymous visitor, showing data of ``sections``;
    ``params``: the query parameters it reads (a URL with any other is neither served nor stored)."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown page cache sections: {sorted(unknown)}")

    def decorator(view):
        view.public_page = PublicPage(sections, frozenset(params))
        return view

    return decorator


def _public_page_of(request) -> PublicPage | None:
    """The marking of the view this request goes to, read from the URLconf before the view runs,
    so a request for any other page costs no cache round trip."""
    return _public_page_at(request.path_info)


@lru_cache(maxsize=4096)
def _public_page_at(path: str) -> PublicPage | None:
    # The URLconf does not change while the process runs: a cached page costs a dict lookup here
    # instead of a resolve (~25 us); made-up paths only push the oldest entries out.
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "public_page", None)


@receiver(setting_changed)
def _urlconf_changed(setting, **kwargs):
    if setting == "ROOT_URLCONF":  # as Django clears its own URL caches (tests)
        _public_page_at.cache_clear()


def content_changed(*sections: str) -> None:
    """Every cached page showing one of ``sections`` is stale from now on (one round trip)."""
    tokens = {section: secrets.token_hex(8) for section in sections}
    snapshot = getattr(_request, "generations", None)
    if snapshot is not None:
        # What this request renders next shows the change.
        snapshot.update({section: token for section, token in tokens.items() if section in snapshot})
    try:
        _cache().set_many({_GENERATION_KEY.format(s): token for s, token in tokens.items()}, timeout=None)
    except Exception:  # the cache is down: nothing is served from it either
        logger.warning("Page cache unreachable; could not invalidate %s", ", ".join(sections))


_deferred: contextvars.ContextVar[set | None] = contextvars.ContextVar("pagecache_deferred", default=None)


def invalidate(section: str) -> None:
    """Pages of ``section`` are stale now (this request and the tests see the change) and again once
    the transaction commits (a page another request rendered meanwhile from the data as it was
    before the commit is not kept)."""
    pending = _deferred.get()
    if pending is not None:
        pending.add(section)
        return
    content_changed(section)
    transaction.on_commit(lambda: content_changed(section))


@contextmanager
def invalidations_once():
    """Inside the block, saves only note the sections they change; each is invalidated once at the
    end (now and at commit), instead of twice per saved row. For a service that saves several rows
    and renders nothing in between (a registration saves four rows of the events section). Opened
    outside the transaction, the invalidation comes after the commit (a registration does not hold
    its event's lock during those round trips); inside, it follows that transaction as usual."""
    if _deferred.get() is not None:  # nested: the outer block invalidates
        yield
        return
    pending: set = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        if pending and not transaction.get_connection().in_atomic_block:
            content_changed(*sorted(pending))  # after the commit: once, in one round trip
        else:
            for section in sorted(pending):
                invalidate(section)


def _start_generations(sections, generations: dict) -> bool:
    """Give a generation to each of ``sections`` that has none yet (the cache was emptied), before
    rendering what will be stored under it. If another request (a fragment of the same page, a
    change) gave one meanwhile, that one is taken: a change moves the generation again when it
    commits, so nothing rendered from data before the commit outlives it. False if the cache lost
    it at once: then nothing is stored."""
    for section in sections:
        if generations.get(section) is None:
            key = _GENERATION_KEY.format(section)
            token = secrets.token_hex(8)
            if not _cache().add(key, token, timeout=None):
                token = _cache().get(key)
                if token is None:
                    return False
            generations[section] = token
    return True


def generation(section: str) -> str | None:
    """The current generation of ``section`` (started if the cache had none); None when the cache
    is unreachable or a concurrent change just started one: then keep nothing."""
    try:
        generations = _current_generations((section,))
        if not _start_generations((section,), generations):
            return None
    except Exception:
        logger.warning("Page cache unreachable; no generation for %s", section)
        return None
    _remember_generations(generations)
    return generations[section]


# The generations of every section, read once per request at its first fragment (the middleware
# opens and closes the snapshot): a page of several fragments makes one round trip to the shared
# cache, none more when the process keeps their copies. Outside a request nothing is remembered.
_request = threading.local()


def _current_generations(sections, *, also=()) -> dict:
    """``sections``' generations (None: not started), and ``found``: what ``also`` keys held."""
    snapshot = getattr(_request, "generations", None)
    if snapshot is None:
        found = _cache().get_many([*also, *(_GENERATION_KEY.format(s) for s in sections)])
        return {"found": found, **{s: found.get(_GENERATION_KEY.format(s)) for s in sections}}
    found = {}
    if also or any(s not in snapshot for s in sections):
        wanted = (
            [s for s in SECTIONS if s not in snapshot] if any(s not in snapshot for s in sections) else []
        )
        found = _cache().get_many([*also, *(_GENERATION_KEY.format(s) for s in wanted)])
        snapshot.update({s: found.get(_GENERATION_KEY.format(s)) for s in wanted})
    return {"found": found, **{s: snapshot.get(s) for s in sections}}


def _remember_generations(generations: dict) -> None:
    snapshot = getattr(_request, "generations", None)
    if snapshot is not None:
        snapshot.update({s: token for s, token in generations.items() if s in SECTIONS and token})


def cached_fragment(name: str, *, vary: str, sections: tuple[str, ...], render: Callable[[], Any]) -> Any:
    """A piece of a page kept for ``vary`` and the current language until one of ``sections``
    changes; ``render`` runs (and its queries) only when it is not kept. What it returns is kept: the
    HTML, or a dict of a few strings (a page's title and its HTML).

    ``vary`` holds everything the piece depends on besides the sections' content: the person for a
    person's own piece, or, for a piece every visitor shares (an event's programme), the object and
    what of the visitor it shows (member or not). A shared piece holds nothing of the person: a
    piece with a CSRF token is never kept (it would hand one person's token to another)."""
    seconds = settings.ANPP_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return render()
    key = f"pagecache:fragment:{name}:{translation.get_language()}:{vary}"
    # A copy kept in the process spares the transfer of the fragment (an archive: 360 kB) when its
    # generations, always read from the shared cache, have not moved.
    local = _LOCAL_FRAGMENTS.get(key)
    if local is not None and time.time() - local["rendered_at"] >= seconds:
        local = None
    try:
        current = _current_generations(sections, also=() if local else (key,))
        found = current.pop("found")
        generations = current
        if local is not None and None not in generations.values() and local["generations"] == generations:
            return local["html"]
        entry = found.get(key) if local is None else _cache().get(key)
    except Exception:
        logger.warning("Page cache unreachable; fragment %s rendered", name)
        return render()
    if entry and None not in generations.values() and entry["generations"] == generations:
        _keep_locally(key, entry)
        return entry["html"]
    try:
        started = _start_generations(sections, generations)
        _remember_generations(generations)
    except Exception:
        started = False
    html = render()
    if "csrfmiddlewaretoken" in str(html):
        logger.error("Fragment %s holds a CSRF token: not kept", name)
        return html
    try:
        if started:
            entry = {"generations": generations, "html": html, "rendered_at": time.time()}
            _cache().set(key, entry, timeout=seconds)
            _keep_locally(key, entry)
    except Exception:
        logger.warning("Page cache unreachable; fragment %s not stored", name)
    return html


_LOCAL_FRAGMENTS: dict[str, dict] = {}
_LOCAL_FRAGMENTS_MAX = 256


def _keep_locally(key: str, entry: dict) -> None:
    if "rendered_at" not in entry:
        return
    if len(_LOCAL_FRAGMENTS) >= _LOCAL_FRAGMENTS_MAX:
        _LOCAL_FRAGMENTS.clear()
    _LOCAL_FRAGMENTS[key] = entry


@receiver(setting_changed)
def _forget_local_fragments(**kwargs):
    _LOCAL_FRAGMENTS.clear()


# Where a kept fragment had a CSRF token: each request puts its own there (fill_csrf), so forms can
# sit in a fragment kept for every staff member without one person's token reaching another.
CSRF_MARKER = "<!--fragment:csrf-token-->"


_CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def csrf_to_marker(html: str) -> str:
    """``html`` rendered with ``{% csrf_token %}``, ready to be kept: its tokens become markers
    that :func:`fill_csrf` fills with each request's own."""
    return _CSRF_INPUT.sub(CSRF_MARKER, html)


def fill_csrf(html: str, request) -> str:
    """``html`` with this request's CSRF token where the fragment had ``{% fragment_csrf_token %}``."""
    if CSRF_MARKER not in html:
        return html
    from django.middleware.csrf import get_token
    from django.utils.html import format_html

    token = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    return html.replace(CSRF_MARKER, token)


def _model_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login changes nothing anyone is shown
    for section in _sections_of(sender):
        invalidate(section)


def _model_changed_m2m(sender, **kwargs):
    # ``sender`` is the link table, which belongs to the app that declares the relation, whichever
    # side it is changed from.
    if kwargs.get("action", "").startswith("post_"):
        _model_changed(sender)


def _shown(model) -> bool:
    """Is ``model`` shown by the pages of its own app's section?"""
    if model._meta.auto_created:  # a many-to-many link table: shown where the model declaring it is
        return _shown(model._meta.auto_created)
    label = model._meta.label_lower
    if model._meta.model_name.startswith("historical") or label in UNSHOWN_MODELS:
        return False
    return model._meta.app_label != "members" or label in MEMBERS_SHOWN


def _sections_of(model) -> tuple[str, ...]:
    """The sections whose pages show ``model``."""
    app_label = model._meta.app_label
    own = (app_label,) if app_label in SECTIONS and _shown(model) else ()
    if model._meta.auto_created:
        app_label = model._meta.auto_created._meta.app_label
    historical = model._meta.model_name.startswith("historical")
    fragments = (
        ()
        if historical
        else (
            *(("territories",) if app_label in TERRITORY_APPS else ()),
            *(("staff",) if app_label in STAFF_APPS else ()),
        )
    )
    return own + ALSO_SHOWN_IN.get(model._meta.label_lower, ()) + fragments


def connect_signals() -> None:
    """Called from the app config: watch the models every cached section shows."""
    for model in apps.get_models():
        if not _sections_of(model):
            continue
        uid = f"pagecache-{model._meta.label_lower}"
        post_save.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _model_changed_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}-m2m-{field.name}"
            )


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
    return f"pagecache:page:{chosen_language(request)}:{digest}"


def _storable(request, response) -> bool:
    cache_control = response.get("Cache-Control", "")
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not (user is not None and user.is_authenticated)
    )


class AnonymousPageCacheMiddleware:
    """Serve and store the public pages of anonymous visitors (see the module's docstring).

    Placed right after WhiteNoise: what it serves went through every middleware below it when it
    was rendered (security headers, CSP, language); the middleware above it run on every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.generations = {}
        try:
            return self._respond(request)
        finally:
            _request.generations = None

    def _respond(self, request):
        page = _public_page_of(request) if _eligible(request) else None
        if page is None or not set(request.GET) <= page.params:
            return self.get_response(request)
        generation_keys = {section: _GENERATION_KEY.format(section) for section in page.sections}
        try:
            page_key = _page_key(request)
            found = _cache().get_many([page_key, *generation_keys.values()])
        except Exception:  # a host Django refuses, or the cache is down: no caching for this one
            return self.get_response(request)
        generations = {section: found.get(key) for section, key in generation_keys.items()}
        entry = found.get(page_key)
        if entry and None not in generations.values() and entry["generations"] == generations:
            return self._from_entry(request, entry)
        try:
            started = _start_generations(generations.keys(), generations)
        except Exception:
            started = False

        response = self.get_response(request)
        if started and _storable(request, response):
            self._store(page_key, response, generations)
        return response

    def _store(self, page_key, response, generations) -> None:
        try:
            if not response.has_header("ETag"):
                set_response_etag(response)
            headers = [
                (name, value) for name, value in response.items() if name.lower() not in _UNCACHEABLE_HEADERS
            ]
            entry = {
                "generations": generations,
                "headers": headers,
                "content": response.content,
            }
            _cache().set(page_key, entry, timeout=settings.ANPP_PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        except Exception:
            logger.warning("Page cache unreachable; page not stored")

    def _from_entry(self, request, entry) -> HttpResponse:
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
