"""News, partners and the page about the ANPP: loaded from the first issue kept in the repository,
public, in feeds, reachable from the home page, and edited by staff in the admin."""

import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse

from publications.association import seed, services
from publications.association.models import AssociationPage, News, Partner

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db

ISSUE = seed.SEED_ISSUE
RAW_TEXT = ISSUE.parent / "territoires-de-projets-n01-hiver-2018.txt"
SEED_TEXT = "\n".join(path.read_text(encoding="utf-8") for path in [RAW_TEXT, *sorted(ISSUE.glob("*.md"))])
SEED_NEWS_TITLES = [
    "CPIE et Pays/Pôles territoriaux travaillent de concert",
    "Club «Territoires et Parlementaires»",
    "L’Alliance des territoires en pratique",
    "Adhésion 2018 / Fiches renseignements 2018",
]
SEED_PARTNERS = [
    "Caisse des Dépôts",
    "CGET",
    "Banque de France",
    "Agence France Locale",
    "Enedis",
    "Casino",
    "Union nationale des CPIE (UNCPIE)",
    "France urbaine",
    "CyberCercle",
]


@pytest.fixture
def loaded():
    return seed.load()


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _flat(text: str) -> str:
    """Text with typographic variants folded, to find a sentence of the seed in what a page says."""
    return " ".join(text.replace("’", "'").replace("\xa0", " ").split()).lower()


# --- the seed's content ----------------------------------------------------------------------------


def test_the_four_actu_anpp_items_of_the_first_issue_become_four_news_items(loaded):
    assert loaded == {"news": 4, "partners": 9, "page": 1}
    news = list(News.objects.order_by("-date", "-pk"))
    assert [item.title for item in news] == SEED_NEWS_TITLES
    assert {item.date.isoformat() for item in news} == {"2018-01-15"}  # the issue's date (issue.yaml)
    assert {item.source for item in news} == {
        "Territoires de Projets, Hiver 2018 / n°01, rubrique « Actu ANPP »"
    }
    club = News.objects.get(slug="club-territoires-et-parlementaires")
    assert "présidé et animé par Frédéric REISS" in club.body_html
    assert "Signée le 8 Mars 2017" in news[0].body_html
    alliance = news[2].body_html
    assert 'href="http://anpp.fr/dossiers/pactes-metropolitains/"' in alliance


def test_every_paragraph_of_the_news_comes_from_the_issue(loaded):
    source = _flat((ISSUE / "02-actu-anpp.md").read_text(encoding="utf-8"))
    for news in News.objects.all():
        for paragraph in news.body.split("\n\n"):
            assert _flat(paragraph) in source, paragraph


def test_the_partners_are_those_the_issue_names_with_only_what_it_says(loaded):
    partners = list(Partner.objects.all())
    assert [partner.name for partner in partners] == SEED_PARTNERS
    raw = _flat(SEED_TEXT)
    for partner in partners:
        short_name = partner.name.split(" (")[0]
        assert _flat(short_name) in raw, partner.name
        if partner.link:  # a link only where the issue prints one
            assert partner.link in SEED_TEXT, partner.link
    uncpie = Partner.objects.get(name__contains="UNCPIE")
    assert "Signée le 8 mars 2017" in uncpie.description
    assert "janvier 2017" in Partner.objects.get(name="France urbaine").description
    assert not any(partner.logo for partner in partners)


def test_the_page_about_the_anpp_holds_its_missions_governance_and_address(loaded, client):
    body = unescape(client.get(reverse("association:association")).content.decode())
    for expected in (
        "Missions de fédération",
        "Missions d'accompagnement",
        "Missions de représentation",
        "75 % de territoires adhérents",
        "150 territoires rencontrés par an",
        "EGPP",
        "Raymond Vall",
        "Président de l'ANPP",
        "Frédéric Reiss",
        "Michael Restier",
        "22 rue Joubert",
        "75009 Paris",
    ):
        assert expected in body, expected


def test_every_person_the_anpp_page_names_is_named_in_the_issue(loaded):
    page = AssociationPage.objects.get()
    people = re.findall(r"\*\*([A-ZÉ][a-zé]+(?: [A-ZÉ][a-zé]+)+)\*\*", page.governance)
    assert people == ["Raymond Vall", "Frédéric Reiss", "Michael Restier", "Grégory Huyghe", "Audrey Mouy"]
    raw = _flat(SEED_TEXT)
    for person in people:
        assert _flat(person) in raw, person


def test_loading_twice_changes_nothing_and_keeps_what_staff_edited(loaded):
    partner = Partner.objects.get(name="Casino")
    partner.description = "Texte revu par l'équipe (exemple)."
    partner.save()
    News.objects.get(slug="club-territoires-et-parlementaires").delete()

    assert seed.load() == {"news": 1, "partners": 0, "page": 0}
    assert Partner.objects.get(name="Casino").description == "Texte revu par l'équipe (exemple)."
    assert News.objects.count() == 4


def test_the_demo_data_loads_them(db):
    from members import demo as members_demo
    from publications import demo

    members_demo.load()
    demo.load()
    demo.load()
    assert (News.objects.count(), Partner.objects.count(), AssociationPage.objects.count()) == (4, 9, 1)


# --- pages and feeds -------------------------------------------------------------------------------


def test_the_home_page_leads_to_news_partners_the_anpp_page_and_the_directory(client):
    body = client.get("/").content.decode()
    for name in (
        "association:news_list",
        "association:partners",
        "association:association",
        "directory:list",
    ):
        assert f'href="{reverse(name)}"' in body, name


def test_news_list_and_items_are_public_and_unpublished_ones_are_not(loaded, client):
    News.objects.filter(slug="club-territoires-et-parlementaires").update(is_published=False)
    body = client.get(reverse("association:news_list")).content.decode()
    assert "CPIE et Pays/Pôles territoriaux travaillent de concert" in body
    assert "15 janvier 2018" in body
    assert "Territoires et Parlementaires" not in body
    assert (
        client.get(
            reverse("association:news_detail", kwargs={"slug": "club-territoires-et-parlementaires"})
        ).status_code
        == 404
    )


def test_the_news_feeds_are_rss_and_atom_with_the_items_own_dates(loaded, client):
    rss = client.get(reverse("association:news_feed_rss"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")  # noqa: S314 (our own feed)
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == SEED_NEWS_TITLES
    assert {item.findtext("pubDate") for item in items} == {"Mon, 15 Jan 2018 12:00:00 +0100"}

    atom = client.get(reverse("association:news_feed_atom"))
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")  # noqa: S314
    assert len(entries) == 4
    assert entries[0].findtext("{http://www.w3.org/2005/Atom}published") == "2018-01-15T12:00:00+01:00"


def test_the_news_list_makes_the_same_number_of_queries_for_4_or_40_items(
    loaded, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        client.get(reverse("association:news_list"))
    for index in range(36):
        News.objects.create(
            title=f"Actualité d'exemple {index}", slug=f"exemple-{index}", date="2018-02-01", body="Exemple."
        )
    with django_assert_max_num_queries(3):
        assert client.get(reverse("association:news_list")).content.decode().count('class="news-item"') == 20


def test_the_partners_page_lists_them_in_order_with_their_links(loaded, client):
    body = client.get(reverse("association:partners")).content.decode()
    positions = [body.index(f">{name}<") for name in SEED_PARTNERS]
    assert positions == sorted(positions)
    assert 'href="https://data.enedis.fr/page/accueil/"' in body


# --- the admin -------------------------------------------------------------------------------------


def test_staff_add_a_news_item_in_the_admin_and_it_is_rendered(staff_client):
    response = staff_client.post(
        reverse("admin:publications_news_add"),
        {
            "title": "Une actualité d'exemple",
            "slug": "une-actualite-d-exemple",
            "date": "2018-03-01",
            "is_published": "on",
            "body": "Un **exemple** fictif.",
            "image_alt": "",
            "source": "",
        },
    )
    assert response.status_code == 302
    assert News.objects.get().body_html == "<p>Un <strong>exemple</strong> fictif.</p>"


def test_the_admin_forms_speak_french_and_hold_no_json(staff_client, loaded):
    for url in (
        reverse("admin:publications_news_add"),
        reverse("admin:publications_partner_add"),
        reverse("admin:publications_associationpage_change", args=[1]),
    ):
        body = staff_client.get(url).content.decode()
        assert "vLargeTextField" in body or "vTextField" in body
        assert "JSON" not in body
    assert "Texte alternatif de l'image" in unescape(
        staff_client.get(reverse("admin:publications_news_add")).content.decode()
    )
    assert staff_client.get(reverse("admin:publications_associationpage_add")).status_code == 403


@pytest.mark.parametrize("link", ["ftp://exemple.test/logo", "javascript:alert(1)", "exemple"])
def test_a_partner_link_must_be_a_web_address(staff_client, link):
    response = staff_client.post(
        reverse("admin:publications_partner_add"),
        {"name": "Partenaire d'exemple", "link": link, "order": "10"},
    )
    assert response.status_code == 200
    assert not Partner.objects.exists()
    body = unescape(response.content.decode())
    assert "Saisissez une adresse web en http:// ou https://." in body or "Saisissez une URL valide." in body


def test_a_news_image_that_is_not_an_image_is_refused(staff_client, tmp_path):
    fake = tmp_path / "image.png"
    fake.write_bytes(b"<script>alert(1)</script>")
    with Path(fake).open("rb") as upload:
        response = staff_client.post(
            reverse("admin:publications_news_add"),
            {
                "title": "Avec image",
                "slug": "avec-image",
                "date": "2018-03-01",
                "body": "Texte.",
                "image": upload,
            },
        )
    assert response.status_code == 200
    body = unescape(response.content.decode())
    assert "Téléversez une image valide" in body or "n'est pas une image JPEG, PNG ou WebP valide" in body
    assert not News.objects.exists()


def test_saving_news_moves_the_publications_page_cache_on(client, loaded):
    url = reverse("association:news_list")
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    news = News.objects.get(slug="club-territoires-et-parlementaires")
    news.title = "Club « Territoires et Parlementaires » (titre revu, exemple)"
    services.news_save(news=news)
    assert "titre revu, exemple" in client.get(url).content.decode()


def test_the_partners_page_reads_as_text_for_its_readers_not_as_source_notes(loaded, client):
    """Issue 27, point 7: no "(édito du n°01)", no "entendait développer", no file names."""
    body = unescape(client.get(reverse("association:partners")).content.decode())
    assert "Enedis" in body and "Nouveau partenariat annoncé pour 2018." in body
    for note in ("édito du n°01", "du n°01)", "Actu ANPP du", "entendait", ".md", "Le lien mène"):
        assert note not in body, note
