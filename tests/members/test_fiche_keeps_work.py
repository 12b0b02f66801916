"""Issue 27, point 4: the fiche keeps work. One bad cell of the EPCI table, or the population check,
re-renders the section with everything typed, the error at its field and a banner; the sidebar says
"complète" only for sections someone saved; a year reads "2015", not "2 015"."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from anpp_portal.formats import format_number
from members import services

from .fiche_factories import COMPLETE_ANSWERS, FicheCampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_campaign():
    today = timezone.localdate()
    return FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=60),
    )


def section_url(territory, year, section):
    return f"/territoire/{territory.slug}/fiche/{year}/{section}/"


def _perimetre_post(client, territory, campaign, **overrides):
    from django.urls import reverse

    url = reverse(
        "members:fiche_section",
        kwargs={"slug": territory.slug, "year": campaign.year, "section": "perimetre"},
    )
    fiche = (
        territory.fiches.get(campaign=campaign)
        if territory.fiches.filter(campaign=campaign).exists()
        else None
    )
    data = {
        "version": fiche.version if fiche else 1,
        "nombre_communes": "80",
        "population": "37 533",
        "annee_population": "2016",
        "epci-TOTAL_FORMS": "2",
        "epci-INITIAL_FORMS": "0",
        "epci-MIN_NUM_FORMS": "0",
        "epci-MAX_NUM_FORMS": "1000",
        "epci-0-nom": "CC du Ruffécois",
        "epci-0-siren": "200 071 959",
        "epci-0-nombre_communes": "40",
        "epci-0-population": "20 000",
        "epci-1-nom": "CC Val de Charente",
        "epci-1-siren": "123",
        "epci-1-nombre_communes": "40",
        "epci-1-population": "17 000",
        "next": "1",
        **overrides,
    }
    return client.post(url, data, follow=True)


def _value_of(content: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', content)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def test_one_bad_epci_cell_keeps_everything_typed_with_the_error_at_the_cell_and_a_banner(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    client.get(section_url(territory_a, open_campaign.year, "perimetre"))
    response = _perimetre_post(client, territory_a, open_campaign)
    # POST/redirect/GET (Back never reaches the answer to a POST): the typed input comes back.
    assert response.redirect_chain == [(section_url(territory_a, open_campaign.year, "perimetre"), 302)]
    content = response.content.decode()
    assert _value_of(content, "annee_population") == "2016"
    assert _value_of(content, "population") == "37 533"
    assert _value_of(content, "epci-0-siren") == "200 071 959"
    assert _value_of(content, "epci-1-siren") == "123"
    assert _value_of(content, "epci-1-nom") == "CC Val de Charente"
    # The error sits in the bad cell's row, and a banner at the top says nothing was saved.
    row = content[content.index('name="epci-1-siren"') :]
    assert 'class="errorlist"' in row[: row.index("</td>")]
    banner = re.search(r'<div class="message message--error" role="alert">(.*?)</div>', content, re.S)
    assert banner and "n'a pas été enregistrée" in html.unescape(banner.group(1))


def test_the_population_check_keeps_everything_typed_with_a_banner(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    client.get(section_url(territory_a, open_campaign.year, "perimetre"))
    response = _perimetre_post(
        client, territory_a, open_campaign, **{"epci-1-siren": "200 071 959", "population": "30 000"}
    )
    assert response.redirect_chain == [(section_url(territory_a, open_campaign.year, "perimetre"), 302)]
    content = response.content.decode()
    assert _value_of(content, "annee_population") == "2016"
    assert _value_of(content, "population") == "30 000"
    assert _value_of(content, "epci-1-nom") == "CC Val de Charente"
    field = content[content.index('id="champ-population"') :]
    assert "inférieure à la somme" in html.unescape(field[: field.index('id="champ-annee_population"')])
    assert 'class="message message--error" role="alert"' in content


def test_a_year_is_shown_without_grouping(client, territory_a, referent_a, open_campaign):
    client.force_login(referent_a)
    content = client.get(section_url(territory_a, open_campaign.year, "perimetre")).content.decode()
    assert territory_a.population_year and territory_a.population_year >= 1000
    assert _value_of(content, "annee_population") == str(territory_a.population_year)
    assert _value_of(content, "population") == format_number(37533)  # a count is grouped


def test_the_sidebar_says_complete_only_for_sections_someone_saved(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    fiche = services.fiche_open(territory=territory_a, campaign=open_campaign, by=referent_a)
    url = section_url(territory_a, open_campaign.year, "identite")
    content = client.get(url).content.decode()
    nav = content[content.index('class="panel fiche-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert "complète" not in nav.replace("à compléter", "")
    # Once someone saves a section whose required answers are all there, that one says so.
    fiche = services.fiche_save_section(
        fiche=fiche, answers=COMPLETE_ANSWERS, version=fiche.version, by=referent_a, section="identite"
    )
    assert fiche.saved_sections == ["identite"]
    content = client.get(url).content.decode()
    nav = content[content.index('class="panel fiche-nav"') :]
    assert nav[: nav.index("</nav>")].count('badge--referent">complète') == 1
    # And the fiche's start page sends them to the first section not gone through.
    assert client.get(f"/territoire/{territory_a.slug}/fiche/{open_campaign.year}/")["Location"].endswith(
        "/perimetre/"
    )


@pytest.mark.parametrize("made_up", ["abc", "-1", "1.5"])
def test_a_made_up_version_is_a_stale_save_that_keeps_what_was_typed_not_an_error(
    client, territory_a, referent_a, open_campaign, made_up
):
    client.force_login(referent_a)
    client.get(section_url(territory_a, open_campaign.year, "perimetre"))
    response = _perimetre_post(
        client,
        territory_a,
        open_campaign,
        version=made_up,
        population="20 000",
        **{"epci-TOTAL_FORMS": "1", "epci-1-nom": "", "epci-1-siren": ""},
    )
    assert response.redirect_chain == [(section_url(territory_a, open_campaign.year, "perimetre"), 302)]
    content = response.content.decode()
    assert "Vos saisies ne sont pas enregistrées mais restent ci-dessous" in html.unescape(content)
    assert _value_of(content, "population") == "20 000"
    assert territory_a.fiches.get(campaign=open_campaign).answers.get("population") != 20000
