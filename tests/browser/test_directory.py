"""The directory and the map of the member territories, with JavaScript disabled: the map shows each
member territory's département highlighted, the filters work, nothing private shows; and the public
pages of the association fit a 320 px screen."""

import os
import re
from pathlib import Path

import pytest

from members.models import DirectoryProfile, Role, Territory
from publications.association import seed

from ..factories import MembershipFactory, TerritoryFactory, load_departments
from ..members.adhesion_factories import make_member
from .accessibility import serious_violations
from .test_adhesion import log_in

MEMBERS = [
    ("pays-charentais", "Pays charentais (exemple)", Territory.Kind.PETR, "75", ["16", "17"]),
    ("pole-gersois", "Pôle gersois (exemple)", Territory.Kind.POLE_TERRITORIAL, "76", ["32"]),
    (
        "codev-lorrain",
        "Conseil de développement lorrain (exemple)",
        Territory.Kind.CONSEIL_DEVELOPPEMENT,
        "44",
        ["54"],
    ),
]
PRIVATE_WEBSITE = "https://site-prive-exemple.test/"


@pytest.fixture
def members(transactional_db):
    for slug, name, kind, region, departments in MEMBERS:
        territory = TerritoryFactory(slug=slug, name=name, kind=kind, region=region, website=PRIVATE_WEBSITE)
        territory.departments.set(load_departments(*departments))
        make_member(territory)
    DirectoryProfile.objects.create(
        territory=Territory.objects.get(slug="pole-gersois"), show_population=True
    )
    outsider = TerritoryFactory(slug="non-membre", name="Pays non adhérent (exemple)")
    outsider.departments.set(load_departments("33"))


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 1280, "height": 800},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_map_highlights_each_member_territorys_departement_without_javascript(no_js_page, members):
    page = no_js_page
    page.goto("/annuaire/carte/")
    highlighted = {code for _slug, _name, _kind, _region, codes in MEMBERS for code in codes}
    green = page.locator('path[data-code="16"]').evaluate("e => getComputedStyle(e).fill")
    grey = page.locator('path[data-code="33"]').evaluate("e => getComputedStyle(e).fill")
    assert green != grey
    for code in highlighted:
        shape = page.locator(f'svg path[data-code="{code}"]')
        assert "france-map__dept--member" in shape.get_attribute("class")
        assert shape.evaluate("e => getComputedStyle(e).fill") == green
    drawn_members = page.locator("svg path.france-map__dept--member")
    assert sorted(drawn_members.evaluate_all("shapes => shapes.map(s => s.dataset.code)")) == sorted(
        highlighted
    )
    # The text alternative lists the same départements, each with its member territories.
    listed = page.locator(".france-map__text li")
    assert sorted(listed.evaluate_all("items => items.map(i => i.dataset.code)")) == sorted(highlighted)
    assert "Charente (16) : Pays charentais (exemple)" in page.inner_text(".france-map__text")
    assert page.get_by_role(
        "img", name=re.compile("4 départements comptent un territoire membre")
    ).is_visible()


def test_the_directory_filters_work_without_javascript(no_js_page, members):
    page = no_js_page
    page.goto("/annuaire/")
    cards = page.locator(".directory-card h3")
    assert sorted(cards.all_inner_texts()) == sorted(name for _s, name, *_ in MEMBERS)
    assert "Pays non adhérent" not in page.content()

    page.get_by_label("Région").select_option(label="Nouvelle-Aquitaine")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"/annuaire/\?region=75"))
    assert cards.all_inner_texts() == ["Pays charentais (exemple)"]

    page.get_by_label("Région").select_option("")
    page.get_by_label("Nature").select_option(label="Conseil de développement")
    page.get_by_role("button", name="Filtrer").click()
    assert cards.all_inner_texts() == ["Conseil de développement lorrain (exemple)"]

    page.goto("/annuaire/")
    page.get_by_label("Département").select_option("32")
    page.get_by_role("button", name="Filtrer").click()
    assert cards.all_inner_texts() == ["Pôle gersois (exemple)"]
    assert "habitants" in page.inner_text(".directory-card")  # the Pôle made its population public

    page.get_by_role("link", name="Voir la carte").click()
    page.wait_for_url(re.compile(r"/annuaire/carte/\?"))
    assert page.locator("svg path.france-map__dept--member").evaluate_all(
        "s => s.map(e => e.dataset.code)"
    ) == ["32"]

    page.get_by_role("link", name="Pôle gersois (exemple)").click()
    page.wait_for_url(re.compile(r"/annuaire/pole-gersois/$"))
    assert page.inner_text("h1") == "Pôle gersois (exemple)"
    assert PRIVATE_WEBSITE not in page.content()


PUBLIC_PAGES = {
    "annuaire": "/annuaire/",
    "carte": "/annuaire/carte/",
    "partenaires": "/partenaires/",
    "actualites": "/actualites/",
    "anpp": "/anpp/",
}


@pytest.mark.parametrize("viewport", [(320, 640), (1280, 800)], ids=["320x640", "1280x800"])
def test_the_public_pages_fit_the_screen(browser, live_server, members, viewport):
    seed.load()
    width, height = viewport
    context = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": width, "height": height},
    )
    page = context.new_page()
    folder = os.environ.get("ANPP_SCREENSHOTS")
    for name, url in PUBLIC_PAGES.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            f"{url} scrolls sideways at {width} px"
        )
        if folder:
            page.screenshot(path=str(Path(folder) / f"{name}-{width}x{height}.png"), full_page=True)
    context.close()


def test_the_directory_and_association_pages_have_no_serious_accessibility_violation(page, members):
    seed.load()
    for path in [
        "/annuaire/",
        "/annuaire/carte/",
        "/annuaire/pays-charentais/",
        "/actualites/",
        "/actualites/club-territoires-et-parlementaires/",
        "/partenaires/",
        "/anpp/",
    ]:
        page.goto(path)
        assert serious_violations(page) == [], path


def test_the_referents_settings_page_has_no_serious_accessibility_violation(page, members):
    referent = MembershipFactory(
        territory=Territory.objects.get(slug="pays-charentais"), role=Role.REFERENT
    ).user
    log_in(page, referent.email)
    page.goto("/territoire/pays-charentais/annuaire/")
    assert serious_violations(page) == []
    page.get_by_label("Publier la population").check()
    page.get_by_role("button", name="Enregistrer").click()
    assert "Vos choix pour l'annuaire sont enregistrés" in page.inner_text(".messages")
    assert serious_violations(page) == []
