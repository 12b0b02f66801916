"""The page cache of anonymous public pages (anpp_portal/pagecache.py): served only to whom it is
safe, invalidated when the content changes, transparent when the cache is down."""

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anpp_portal import pagecache

from .events.factories import EventFactory
from .publications.factories import ArticleFactory, IssueFactory

pytestmark = pytest.mark.django_db
cache = caches["default"]


def _get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code in (200, 304), (url, response.status_code)
    return response


@pytest.mark.parametrize(
    "url",
    [
        "/",
        reverse("events:list"),
        reverse("publications:archive"),
        reverse("publications:search") + "?q=contrat",
    ],
)
def test_a_public_page_is_rendered_once_then_served_from_the_cache(client, url, django_assert_num_queries):
    first = _get(client, url)
    assert first["X-Page-Cache"] == "miss"
    assert not first.cookies, "a cached page must not set a cookie"
    with django_assert_num_queries(0):
        second = _get(client, url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_a_cached_page_keeps_the_security_headers_and_answers_conditional_requests(client):
    _get(client, "/")
    hit = _get(client, "/")
    assert hit["X-Page-Cache"] == "hit"
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["Referrer-Policy"] == "same-origin"
    assert hit["Content-Language"] == "fr"
    not_modified = client.get("/", HTTP_IF_NONE_MATCH=hit["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""


def test_a_logged_in_person_is_never_served_nor_stores_a_cached_page(client, referent_a):
    anonymous_page = _get(Client(), "/").content
    _get(Client(), "/")  # now cached for anonymous visitors
    client.force_login(referent_a)
    response = _get(client, "/")
    assert "X-Page-Cache" not in response
    assert response.content != anonymous_page
    assert "Se déconnecter" in response.content.decode()
    assert "Se déconnecter" not in _get(Client(), "/").content.decode()


def test_a_visitor_with_a_flash_message_or_session_is_not_served_from_the_cache():
    _get(Client(), "/")
    for cookie in ("sessionid", "messages"):
        visitor = Client()
        visitor.cookies[cookie] = "x"
        assert "X-Page-Cache" not in _get(visitor, "/"), cookie


def test_each_language_has_its_own_cached_page():
    french = _get(Client(), "/")
    english_visitor = Client()
    english_visitor.cookies["django_language"] = "en"
    english = _get(english_visitor, "/")
    assert english["X-Page-Cache"] == "miss"
    assert english["Content-Language"] == "en" and french["Content-Language"] == "fr"
    assert _get(english_visitor, "/").content == english.content != french.content


def test_a_new_event_shows_at_once(client, django_capture_on_commit_callbacks):
    _get(client, reverse("events:list"))
    assert _get(client, reverse("events:list"))["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(title="Rencontres de Fleurance")
    response = _get(client, reverse("events:list"))
    assert response["X-Page-Cache"] == "miss"
    assert "Rencontres de Fleurance" in response.content.decode()


def test_a_change_to_the_magazine_does_not_invalidate_the_events_pages(
    client, django_capture_on_commit_callbacks
):
    _get(client, reverse("events:list"))
    archive = reverse("publications:archive")
    _get(client, archive)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(issue=IssueFactory(number=42), title="Le contrat de réciprocité")
    assert _get(client, reverse("events:list"))["X-Page-Cache"] == "hit"
    response = _get(client, archive)
    assert response["X-Page-Cache"] == "miss"
    assert "Le contrat de réciprocité" in response.content.decode()


def test_a_change_invalidates_at_once_and_again_at_the_commit(client, django_capture_on_commit_callbacks):
    url = reverse("events:list")
    _get(client, url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        EventFactory(title="Conférence nationale")
    assert _get(client, url)["X-Page-Cache"] == "miss"
    # Another request may render and store the page before the commit, from the data as it was:
    assert _get(client, url)["X-Page-Cache"] == "hit"
    for callback in callbacks:  # the commit
        callback()
    assert _get(client, url)["X-Page-Cache"] == "miss"


def _space(client):
    response = client.get(reverse("members:space"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_territory_list_of_my_space_is_cached_for_me_only(client, territory_a, territory_b, referent_a):
    from .factories import MembershipFactory

    person_b = MembershipFactory(territory=territory_b).user
    client.force_login(referent_a)
    with CaptureQueriesContext(connection) as first:
        assert territory_a.name in _space(client)
    with CaptureQueriesContext(connection) as second:
        assert territory_a.name in _space(client)
    assert len(second) < len(first), "the second visit reuses the fragment"
    other = Client()
    other.force_login(person_b)
    content = _space(other)
    assert territory_b.name in content and territory_a.name not in content


def test_a_revoked_invitation_leaves_my_space_at_once(client, territory_a, referent_a):
    from members import services

    from .factories import InvitationFactory

    invitation = InvitationFactory(territory=territory_a, email="revoquee@pays-a.fr")
    client.force_login(referent_a)
    assert "revoquee@pays-a.fr" in _space(client)
    services.invitation_revoke(invitation=invitation, by=referent_a)
    assert "revoquee@pays-a.fr" not in _space(client)


def test_someone_logging_in_does_not_throw_my_space_away(client, referent_a, territory_b):
    from django.contrib.auth import authenticate

    from .factories import MembershipFactory

    client.force_login(referent_a)
    _space(client)
    other = MembershipFactory(territory=territory_b).user
    other.set_password("un-mot-de-passe-long")
    other.save()
    _space(client)  # the save above changed a name-bearing model: rendered again, then kept
    with CaptureQueriesContext(connection) as kept:
        _space(client)
    Client().login(email=other.email, password="un-mot-de-passe-long")  # saves last_login only
    assert authenticate(email=other.email, password="un-mot-de-passe-long") is not None
    with CaptureQueriesContext(connection) as after_login:
        _space(client)
    assert len(after_login) == len(kept)


def test_renaming_a_territory_shows_on_the_articles_that_cite_it(client, territory_a):
    article = ArticleFactory(issue=IssueFactory(number=55))
    article.territories.add(territory_a)
    url = article.get_absolute_url()
    assert territory_a.name in _get(client, url).content.decode()
    assert _get(client, url)["X-Page-Cache"] == "hit"
    territory_a.name = "PETR renommé"
    territory_a.save()
    assert "PETR renommé" in _get(client, url).content.decode()


def test_a_new_colleague_shows_at_once_in_my_space(client, territory_a, referent_a):
    from .factories import MembershipFactory

    client.force_login(referent_a)
    _space(client)
    colleague = MembershipFactory(territory=territory_a, user__last_name="Nouvelle-Collègue").user
    assert colleague.last_name in _space(client)


def test_pages_that_are_not_marked_public_are_never_cached(client):
    for url in (reverse("account_login"), reverse("publications:newsletter_subscribe"), "/nulle-part/"):
        client.get(url)
        assert "X-Page-Cache" not in client.get(url), url


DEAD_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}


def test_the_portal_works_when_the_page_cache_is_down(client, settings, referent_a, territory_a):
    settings.CACHES = {**settings.CACHES, "pages": DEAD_REDIS}
    for url in ("/", reverse("events:list"), reverse("publications:archive")):
        response = client.get(url)
        assert response.status_code == 200 and "X-Page-Cache" not in response, url
    client.force_login(referent_a)
    for url in (reverse("members:space"), reverse("events:my_registrations"), territory_a.get_absolute_url()):
        assert client.get(url).status_code == 200, url
    assert territory_a.name in _space(client)


def test_a_flood_of_made_up_query_strings_is_rendered_but_not_stored(client):
    for n in range(3):
        response = _get(client, f"/accessibilite/?utm={n}")
        assert "X-Page-Cache" not in response
    assert _get(client, "/publications/recherche/?q=contrat&page=1")["X-Page-Cache"] == "miss"
    assert "X-Page-Cache" not in _get(client, "/publications/recherche/?q=contrat&x=1")


def test_a_flood_of_pages_cannot_evict_the_login_rate_limits(client):
    """The page cache is a store of its own, not another name for the default cache (rate limits):
    a key written in one is not seen in the other, and filling it past its size evicts pages only."""
    pages = caches["pages"]
    cache.set("rate-limit-probe", 1)
    pages.set("rate-limit-probe", "a page")
    assert cache.get("rate-limit-probe") == 1 and pages.get("rate-limit-probe") == "a page"
    for n in range(20):
        assert _get(client, f"/publications/recherche/?q=mot{n}")["X-Page-Cache"] == "miss"
    # Past the local-memory store's size (Redis, which evicts by memory, ignores the number).
    pages.set_many({f"pagecache:page:flood-{n}": b"x" for n in range(pages._max_entries + 1)})
    assert cache.get("rate-limit-probe") == 1


@pytest.mark.urls("tests.pagecache_urls")
def test_a_public_page_that_sets_a_cookie_is_never_stored(client):
    first = _get(client, "/test/page-with-cookie/")
    assert first.cookies["visitor"].value == "a1b2" and "X-Page-Cache" not in first
    second = _get(Client(), "/test/page-with-cookie/")
    assert second.cookies["visitor"].value == "a1b2" and "X-Page-Cache" not in second


@pytest.mark.urls("tests.pagecache_urls")
@pytest.mark.parametrize("directive", ["private", "no-store", "max-age=0, private"])
def test_a_public_page_marked_private_or_no_store_is_never_stored(client, directive):
    url = f"/test/cache-control/{directive}/"
    assert "X-Page-Cache" not in _get(client, url)
    assert "X-Page-Cache" not in _get(Client(), url)


def test_a_page_rendered_for_a_logged_in_person_is_never_stored(rf, staff):
    """Defence in depth: were a request without cookies authenticated (by a token, say), its page
    would still not be stored. The same page for an anonymous visitor is."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    def view_for(user):
        def view(request):
            request.user = user  # as the authentication middleware, further in, does
            return HttpResponse(f"Bonjour {user}")

        return pagecache.AnonymousPageCacheMiddleware(view)

    assert "X-Page-Cache" not in view_for(staff)(rf.get("/"))
    assert view_for(AnonymousUser())(rf.get("/"))["X-Page-Cache"] == "miss"


def test_the_cache_can_be_turned_off(client, settings):
    settings.ANPP_PAGE_CACHE_SECONDS = 0
    _get(client, "/")
    assert "X-Page-Cache" not in _get(client, "/")


def test_the_shortest_cache_still_stores_pages(client, settings):
    """Any positive duration turns the cache on, one second included (0 turns it off, above)."""
    settings.ANPP_PAGE_CACHE_SECONDS = 1
    assert _get(client, "/")["X-Page-Cache"] == "miss"


def test_a_visitor_with_both_the_csrf_and_the_language_cookie_is_served_from_the_cache(settings):
    """The two cookies an anonymous visitor gets from public pages do not change them: a visitor
    carrying both (not only one) is still served the cached page."""
    _get(Client(), "/")
    visitor = Client()
    visitor.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert _get(visitor, "/")["X-Page-Cache"] == "hit"


def test_a_request_with_credentials_is_neither_served_from_the_cache_nor_stored(client):
    """A request carrying an Authorization header (an API client, a proxy's password) gets a page
    rendered for it, and that page is not kept for the anonymous visitors who come next."""
    url = reverse("events:list")
    with_credentials = {"HTTP_AUTHORIZATION": "Basic YW5wcDpleGVtcGxl"}
    assert "X-Page-Cache" not in _get(client, url, **with_credentials)
    assert _get(Client(), url)["X-Page-Cache"] == "miss"
    assert "X-Page-Cache" not in _get(client, url, **with_credentials)


def test_an_unknown_section_is_refused():
    with pytest.raises(ValueError):
        pagecache.public_page("adhesions")


def test_an_issue_published_by_the_schedule_shows_at_once(client, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from publications import services
    from publications.models import Issue

    issue = IssueFactory(
        number=77,
        title="Numéro programmé",
        status=Issue.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(hours=1),
    )
    ArticleFactory(issue=issue)
    archive = reverse("publications:archive")
    assert "Numéro programmé" not in _get(client, archive).content.decode()
    assert _get(client, archive)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_publish(issue=issue)
    assert "Numéro programmé" in _get(client, archive).content.decode()


def test_saves_grouped_by_a_service_invalidate_once_now_and_once_at_the_commit(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    """A registration saves several rows of the events section: inside ``invalidations_once`` they
    cost one invalidation now and one at the commit, not two per row, and still show at once."""
    url = reverse("events:list")
    _get(client, url)
    bumps = []
    real = pagecache.content_changed
    monkeypatch.setattr(pagecache, "content_changed", lambda section: (bumps.append(section), real(section)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pagecache.invalidations_once():
            EventFactory(title="Rencontres techniques")
            EventFactory(title="États généraux")
            assert bumps == []  # nothing yet: only noted
        once = list(bumps)  # the events section, and any other section events move (staff pages)
        assert "events" in once and len(once) == len(set(once))
    response = _get(client, url)
    assert response["X-Page-Cache"] == "miss"
    assert "Rencontres techniques" in response.content.decode()
    assert _get(client, url)["X-Page-Cache"] == "hit"
    for callback in callbacks:  # the commit
        callback()
    assert sorted(bumps) == sorted(once * 2)
    assert _get(client, url)["X-Page-Cache"] == "miss"


@pytest.mark.django_db(transaction=True)
def test_grouped_saves_opened_outside_the_transaction_invalidate_once_after_the_commit(client, monkeypatch):
    """As a registration does: its rows are written in a transaction opened inside the block, and
    every section they move is invalidated once, after the commit, in one call (one round trip)."""
    url = reverse("events:list")
    _get(client, url)
    assert _get(client, url)["X-Page-Cache"] == "hit"
    calls = []
    real = pagecache.content_changed
    monkeypatch.setattr(
        pagecache, "content_changed", lambda *sections: (calls.append(sections), real(*sections))
    )
    with pagecache.invalidations_once():
        with transaction.atomic():
            EventFactory(title="Rencontres techniques")
            EventFactory(title="États généraux")
        assert calls == []  # the commit is done, the block not yet: nothing sent
    assert len(calls) == 1 and "events" in calls[0] and len(calls[0]) == len(set(calls[0]))
    response = _get(client, url)
    assert response["X-Page-Cache"] == "miss"
    assert "Rencontres techniques" in response.content.decode()
