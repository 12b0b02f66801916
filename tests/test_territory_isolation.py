"""A person of territory A gets 404 on every URL that names territory B or its objects.

The URL patterns are read from the resolver, so a new URL is covered as soon as it exists: each URL
with keywords must be declared in the `access` module of its app's tests (tests/<app>/access.py),
either in TERRITORY_URLS (how to name another territory's data with it) or in OTHER_URLS (why it
names no territory's data). An undeclared URL fails this test.
"""

import pytest
from django.urls import reverse

from members.models import Role

from .factories import MembershipFactory
from .urlwalk import access_modules, declared, objects_of, project_patterns

pytestmark = pytest.mark.django_db


def test_every_project_url_with_keywords_is_declared():
    territory_urls, other_urls = declared("TERRITORY_URLS"), declared("OTHER_URLS")
    undeclared = [
        name for name, kwargs in project_patterns() if kwargs and name not in territory_urls | other_urls
    ]
    assert not undeclared, f"declare these URLs in tests/<app>/access.py: {undeclared}"
    unknown = set(territory_urls) - {name for name, _ in project_patterns()}
    assert not unknown, f"declared but no such URL: {unknown}"


def test_the_walk_finds_the_project_urls_and_only_them():
    names = {name for name, _ in project_patterns()}
    assert {"home", "health", "members:space", "members:territory", "members:invitation"} <= names
    assert not any(name.startswith(("admin:", "account_", "mfa_")) for name in names)


@pytest.mark.parametrize("role", [Role.REFERENT, Role.MEMBRE])
def test_a_person_of_territory_a_gets_404_on_every_url_naming_territory_b(
    client, territory_a, territory_b, role
):
    person_a = MembershipFactory(territory=territory_a, role=role).user
    own, other = objects_of(territory_a), objects_of(territory_b)
    client.force_login(person_a)
    checked = 0
    for name, variants in declared("TERRITORY_URLS").items():
        for kwargs in variants(own, other):
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status == 404, f"{method.upper()} {url} as a person of A gave {status}, expected 404"
                checked += 1
    assert checked >= 14
    for module in access_modules():
        module.check_unchanged(other)


def test_anonymous_visitors_are_sent_to_login_on_territory_urls(client, territory_a, territory_b):
    own, other = objects_of(territory_a), objects_of(territory_b)
    for name, variants in declared("TERRITORY_URLS").items():
        for kwargs in variants(own, other):
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 302, (name, response.status_code)
            assert response["Location"].startswith(reverse("account_login"))
