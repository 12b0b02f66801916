"""A person of territory A gets 404 on every URL that names territory B or its objects.

The URL patterns are read from the resolver, so a new URL is covered as soon as it exists: each URL
keyword must be declared below with how to fill it with territory B's objects, otherwise this test
fails and asks for it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from members.models import Role

from .factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Namespaces whose URLs are not territory data: third-party apps with their own protection.
EXTERNAL = {"admin", None}
PROJECT_APPS = {"members", "events", "publications"}

# How to fill each URL keyword with an object of territory B (objects: dict built in the test).
TERRITORY_KWARGS = {
    "slug": lambda objects: objects["territory"].slug,
    "invitation_pk": lambda objects: objects["invitation"].pk,
    "membership_pk": lambda objects: objects["membership"].pk,
}
# URLs whose keyword is itself the credential (a link sent by email), not a territory's name.
CAPABILITY_URLS = {
    "members:invitation": "the key of an invitation email grants access by design; it works once and expires",
}


def _project_patterns(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_namespace = entry.namespace or namespace
            app_module = getattr(entry.urlconf_module, "__name__", "")
            if app_module.split(".")[0] in PROJECT_APPS:
                yield from _project_patterns(entry, child_namespace)
        elif isinstance(entry, URLPattern) and namespace in PROJECT_APPS:
            yield f"{namespace}:{entry.name}", list(entry.pattern.converters)


def _objects_of(territory):
    return {
        "territory": territory,
        "invitation": InvitationFactory(territory=territory),
        "membership": MembershipFactory(territory=territory, role=Role.MEMBRE),
    }


def test_every_project_url_keyword_is_declared():
    unknown = {
        (name, kwarg)
        for name, kwargs in _project_patterns()
        for kwarg in kwargs
        if kwarg not in TERRITORY_KWARGS and name not in CAPABILITY_URLS
    }
    assert not unknown, f"declare how to fill these URL keywords with another territory's objects: {unknown}"


def test_territory_scoped_urls_exist_to_be_checked():
    scoped = [name for name, kwargs in _project_patterns() if kwargs and name not in CAPABILITY_URLS]
    assert len(scoped) >= 4, scoped


@pytest.mark.parametrize("role", [Role.REFERENT, Role.MEMBRE])
def test_a_person_of_territory_a_gets_404_on_every_url_naming_territory_b(
    client, territory_a, territory_b, role
):
    person_a = MembershipFactory(territory=territory_a, role=role).user
    objects_a, objects_b = _objects_of(territory_a), _objects_of(territory_b)
    client.force_login(person_a)
    checked = []
    for name, kwargs in _project_patterns():
        if not kwargs or name in CAPABILITY_URLS:
            continue
        # B's objects entirely, then A's territory with B's objects (a forged mix).
        combinations = [{k: TERRITORY_KWARGS[k](objects_b) for k in kwargs}]
        if "slug" in kwargs and len(kwargs) > 1:
            combinations.append(
                {k: TERRITORY_KWARGS[k](objects_a if k == "slug" else objects_b) for k in kwargs}
            )
        for values in combinations:
            url = reverse(name, kwargs=values)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status == 404, f"{method.upper()} {url} as a person of A gave {status}, expected 404"
                checked.append((method, url))
    assert len(checked) >= 8
    # Nothing of B was changed by all those requests.
    objects_b["invitation"].refresh_from_db()
    assert objects_b["invitation"].revoked_at is None
    assert objects_b["membership"].__class__.objects.filter(pk=objects_b["membership"].pk).exists()


def test_anonymous_visitors_are_sent_to_login_on_territory_urls(client, territory_b):
    objects_b = _objects_of(territory_b)
    for name, kwargs in _project_patterns():
        if name in CAPABILITY_URLS:
            continue
        url = reverse(name, kwargs={k: TERRITORY_KWARGS[k](objects_b) for k in kwargs})
        response = client.get(url)
        assert response.status_code in (302, 405), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login"))
