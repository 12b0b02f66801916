"""A field a territory keeps out of the directory never reaches anyone else: no public page, feed or
cached page shows it, to an anonymous visitor or to a person of another territory; and when the
référent changes what is public, the cached pages change at once."""

import pytest
from django.test import Client
from django.urls import reverse

from members import francemap
from members.models import DirectoryProfile, FicheRenseignements

from .factories import MembershipFactory, TerritoryFactory, load_departments
from .members.adhesion_factories import make_member
from .members.fiche_factories import FicheCampaignFactory
from .publications.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PRIVATE = {
    "population": 123457,
    "communes_count": 4321,
    "website": "https://prive-exemple.test/site-confidentiel",
    "address": "7 impasse Confidentielle",
    "postal_code": "16999",
    "city": "Villesecrète",
}
PRIVATE_EPCI = "CC Confidentielle du Val"
PRIVATE_EMAIL = "contact@confidentiel.test"
# Every way a page could print them (French thousands separators included).
NEEDLES = [
    "123457",
    "123\xa0457",
    "123\u202f457",
    "123 457",
    "4321",
    "4\xa0321",
    "4\u202f321",
    "prive-exemple.test",
    "Confidentielle",
    "16999",
    "Villesecrète",
    PRIVATE_EMAIL,
]


@pytest.fixture
def world():
    private = TerritoryFactory(
        slug="petr-discret", name="PETR Discret (exemple)", population_year=2016, **PRIVATE
    )
    private.departments.set(load_departments("16"))
    make_member(private)
    FicheRenseignements.objects.create(
        territory=private,
        campaign=FicheCampaignFactory(year=2018),
        status=FicheRenseignements.Status.SOUMISE,
        answers={"epci": [{"nom": PRIVATE_EPCI}]},
    )
    # A profile with its email typed in but nothing made public.
    DirectoryProfile.objects.create(territory=private, contact_email=PRIVATE_EMAIL)
    # The magazine cites it: its pages and feed show its name, never its private fields.
    ArticleFactory(slug="article-cite", title="Un article qui cite le PETR Discret").territories.set(
        [private]
    )

    open_ = TerritoryFactory(
        slug="pays-ouvert", name="Pays Ouvert (exemple)", population=60000, website="https://ouvert.test/"
    )
    open_.departments.set(load_departments("32"))
    make_member(open_)
    DirectoryProfile.objects.create(territory=open_, show_population=True, show_website=True)
    return {
        "private": private,
        "referent": MembershipFactory(territory=private, role="referent").user,
        "other_person": MembershipFactory(territory=open_, role="referent").user,
    }


def public_urls(world) -> list[str]:
    article = world["private"].articles.get()
    return [
        "/",
        reverse("directory:list"),
        reverse("directory:list") + "?region=75",
        reverse("directory:list") + "?departement=16",
        reverse("directory:list") + "?nature=petr",
        reverse("directory:map"),
        reverse("directory:map") + "?departement=16",
        reverse("directory:territory", kwargs={"slug": "petr-discret"}),
        reverse("directory:territory", kwargs={"slug": "pays-ouvert"}),
        reverse("association:news_list"),
        reverse("association:news_feed_rss"),
        reverse("association:news_feed_atom"),
        reverse("association:partners"),
        reverse("association:association"),
        reverse("publications:archive"),
        reverse("publications:feed"),
        article.issue.get_absolute_url(),
        article.get_absolute_url(),
        reverse("events:list"),
    ]


def leaks(body: str) -> list[str]:
    return [needle for needle in NEEDLES if needle in body]


def test_the_needles_would_be_found_if_printed():
    """The check is not vacuous: none of the needles is in the map's geometry (every directory page
    carries it), and the private values, once public, are printed in one of the forms looked for."""
    geometry = francemap.GEOMETRY.read_text()
    assert not [needle for needle in NEEDLES if needle in geometry]


def test_a_private_field_appears_in_no_page_feed_or_cached_page_for_an_anonymous_visitor(client, world):
    for url in public_urls(world):
        first = client.get(url)
        second = client.get(url)  # served from the page cache when the page is cacheable
        assert first.status_code == second.status_code == 200, url
        for response in (first, second):
            assert not leaks(response.content.decode()), (
                url,
                response.get("X-Page-Cache"),
                leaks(response.content.decode()),
            )
    # The directory pages were indeed stored and served from the cache, and they do show public fields.
    hit = client.get(reverse("directory:list"))
    assert hit["X-Page-Cache"] == "hit"
    body = hit.content.decode()
    assert (
        "PETR Discret (exemple)" in body and "60\xa0000 habitants" in body and "https://ouvert.test/" in body
    )


def test_a_private_field_appears_in_no_page_or_feed_for_a_person_of_another_territory(client, world):
    client.force_login(world["other_person"])
    for url in [*public_urls(world), reverse("members:space")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not leaks(response.content.decode()), (url, leaks(response.content.decode()))
    # Nor through the territory's own space or its settings: another territory's pages are 404s.
    for name in ("members:territory", "members:directory_settings"):
        assert client.get(reverse(name, kwargs={"slug": "petr-discret"})).status_code == 404


def test_when_the_referent_makes_a_field_public_or_private_the_cached_pages_change_at_once(world):
    anonymous = Client()
    urls = [
        reverse("directory:list"),
        reverse("directory:map") + "?departement=16",
        reverse("directory:territory", kwargs={"slug": "petr-discret"}),
    ]
    for url in urls:
        anonymous.get(url)
        cached = anonymous.get(url)
        assert cached["X-Page-Cache"] == "hit" and not leaks(cached.content.decode())

    referent = Client()
    referent.force_login(world["referent"])
    settings_url = reverse("members:directory_settings", kwargs={"slug": "petr-discret"})
    referent.post(settings_url, {"show_population": "on", "show_website": "on", "show_epci": "on"})

    for url in urls[::2]:  # the list and the territory's page print the fields (the map only names it)
        body = anonymous.get(url).content.decode()
        assert "123\xa0457 habitants (2016)" in body, url
        assert "https://prive-exemple.test/site-confidentiel" in body
        assert PRIVATE_EPCI in body

    referent.post(settings_url, {"show_website": "on"})

    for url in urls:
        response = anonymous.get(url)
        body = response.content.decode()
        assert "123\xa0457" not in body and PRIVATE_EPCI not in body, url
    assert "https://prive-exemple.test/site-confidentiel" in anonymous.get(urls[0]).content.decode()


def test_changing_the_territory_or_its_adhesion_refreshes_the_cached_directory(world):
    anonymous = Client()
    url = reverse("directory:list")
    anonymous.get(url)
    assert anonymous.get(url)["X-Page-Cache"] == "hit"

    private = world["private"]
    private.name = "PETR Discret renommé (exemple)"
    private.save()
    assert "PETR Discret renommé (exemple)" in anonymous.get(url).content.decode()

    assert anonymous.get(url)["X-Page-Cache"] == "hit"
    private.adhesions.get().delete()  # as staff would in the admin: the territory is no longer a member
    assert "PETR Discret renommé" not in anonymous.get(url).content.decode()
