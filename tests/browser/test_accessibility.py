"""axe-core reports no serious or critical violation on the portal's main pages."""

import datetime

import pytest
from django.utils import timezone

from members.models import Role

from ..factories import MembershipFactory, StaffFactory, TerritoryFactory
from ..members.adhesion_factories import CampaignFactory
from ..members.fiche_factories import FicheCampaignFactory
from .accessibility import serious_violations
from .test_adhesion import log_in

PUBLIC_PAGES = [
    "/",
    "/comptes/login/",
    "/comptes/signup/",
    "/comptes/password/reset/",
    "/accessibilite/",
    "/nulle-part/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_violation(page, path):
    page.goto(path)
    assert serious_violations(page) == []


def test_territory_pages_and_forms_have_no_serious_violation(page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    territory = TerritoryFactory(slug="pays-a")
    referent = MembershipFactory(territory=territory, role=Role.REFERENT).user
    CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    log_in(page, referent.email)
    for path in (
        "/territoire/",
        "/territoire/pays-a/",
        f"/territoire/pays-a/adhesion/{today.year}/",
        f"/territoire/pays-a/fiche/{today.year}/identite/",
        f"/territoire/pays-a/fiche/{today.year}/perimetre/",
        f"/territoire/pays-a/fiche/{today.year}/contractualisation/",
        f"/territoire/pays-a/fiche/{today.year}/soumettre/",
        "/compte/mes-donnees/",
    ):
        page.goto(path)
        assert serious_violations(page) == [], path
    # A form with errors next to its fields.
    page.goto(f"/territoire/pays-a/adhesion/{today.year}/")
    page.fill("#id_population", "-4")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert serious_violations(page) == []


def test_staff_dashboards_have_no_serious_violation(page, transactional_db):
    staff = StaffFactory()  # « Équipe ANPP », as in production
    CampaignFactory(year=2018)
    FicheCampaignFactory(year=2018)
    log_in(page, staff.email)
    for path in (
        "/equipe/",
        "/tableau-de-bord/",
        "/tableau-de-bord/panorama/",
        "/tableau-de-bord/questionnaire/2018/apercu/",
    ):
        page.goto(path)
        assert serious_violations(page) == [], path


def test_the_magazines_table_of_contents_links_are_big_enough_targets(page, transactional_db):
    """Issue 27, point 7: axe-core's ``target-size`` (WCAG 2.2) on /publications/ and an issue's page,
    whose table of contents put a rubrique's small link right above its article's."""
    from publications import services
    from publications.demo import FIRST_ISSUE

    from .accessibility import AXE

    issue = services.issue_import(folder=FIRST_ISSUE, publish=True).issue
    for width, height in [(1280, 800), (320, 640)]:
        page.set_viewport_size({"width": width, "height": height})
        for path in ["/publications/", issue.get_absolute_url()]:
            page.goto(path)
            assert page.locator(".toc a").count() > 2, path
            page.evaluate(AXE)
            result = page.evaluate(
                "async () => await axe.run(document, {runOnly: ['target-size'], resultTypes: ['violations']})"
            )
            failing = [str(node["target"]) for v in result["violations"] for node in v["nodes"]]
            assert failing == [], (path, width, failing[:5])
