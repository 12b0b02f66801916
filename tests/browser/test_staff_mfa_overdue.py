"""Issue 23, finding 1, in a real browser: a staff account of the group « Équipe ANPP » past its TOTP
grace period logs in with its password and reaches no other territory's page, document or form,
neither by the links it is shown nor by typing the known URLs of another territory's objects.

The account is also a person (rôle « membre ») of territory B: it keeps what any person of B has,
and gets nothing of territory A (anpp_portal/staffpolicy.py treats it as a plain person).
"""

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation, Role

from ..factories import PASSWORD, MembershipFactory, StaffFactory, TerritoryFactory
from ..test_staff_policy import territory_urls
from ..urlwalk import objects_of

# Links not followed: leaving the session, the account's own settings, the admin (sends to the TOTP
# setup, tested in test_staff_mfa.py), feeds and files of public pages.
NOT_FOLLOWED = ("/comptes/", "/admin/", "/media/", "/static/")
MAX_PAGES = 80


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(settings, transactional_db):
    settings.ANPP_STAFF_MFA_REQUIRED = True
    settings.ANPP_STAFF_MFA_GRACE_DAYS = 7
    territory_a = TerritoryFactory(name="PETR du Pays A", slug="pays-a")
    territory_b = TerritoryFactory(name="PETR du Pays B", slug="pays-b")
    objects = objects_of(territory_a)
    referent_a = MembershipFactory(
        territory=territory_a, role=Role.REFERENT, user__email="referente.a@pays-a.test"
    ).user
    staff = StaffFactory(email="equipe@anpp.test", date_joined=timezone.now() - timedelta(days=30))
    MembershipFactory(territory=territory_b, user=staff, role=Role.MEMBRE)
    return {"objects": objects, "referent_a": referent_a, "staff": staff, "territory_b": territory_b}


def _log_in(page, email):
    page.goto("/comptes/login/")
    page.get_by_label(re.compile(r"^Courriel")).fill(email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_url(lambda url: "/comptes/login/" not in url)


def _links(page) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "elements => elements.map(e => e.getAttribute('href'))")
    return {urlsplit(href).path for href in hrefs if href and href.startswith("/")}


def test_staff_with_totp_overdue_reach_nothing_of_another_territory(page, world):
    objects, referent_a = world["objects"], world["referent_a"]
    territory_a = objects["territory"]
    a_prefix = reverse("members:territory", kwargs={"slug": territory_a.slug})
    _log_in(page, world["staff"].email)

    # Every page it is shown a link to, from the home page and its territory space, link after link.
    seen, queue, visited = set(), deque(["/", reverse("members:space")]), []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(NOT_FOLLOWED):
            continue
        seen.add(path)
        # Files (calendars, PDFs) are fetched, not opened: a browser downloads them.
        fetched = page.request.get(path)
        assert not (path.startswith(a_prefix) and fetched.ok), path
        if "text/html" not in fetched.headers.get("content-type", ""):
            continue
        page.goto(path)
        visited.append(path)
        assert not urlsplit(page.url).path.startswith(a_prefix), (path, page.url)
        body = page.content()
        assert referent_a.email not in body, path  # A's people
        assert objects["adhesion"].call_number not in body, path  # A's adhésion
        for link in _links(page) - seen:
            assert not link.startswith(a_prefix), f"{path} links to {link}"
            queue.append(link)
    b_space = reverse("members:territory", kwargs={"slug": world["territory_b"].slug})
    assert b_space in visited, "the walk never reached the account's own territory: it proves nothing"
    assert len(visited) >= 10, visited

    # The known URLs of A's pages, people, adhésion and its documents, fiche, directory entry, invoice.
    for url in territory_urls(objects):
        assert page.request.get(url).status == 404, url
    # A's fiche as staff review it: a staff page, which sends the account to the TOTP setup.
    page.goto(reverse("members:fiche_review", kwargs={"pk": objects["fiche"].pk}))
    assert "totp" in page.url or "reauthenticate" in page.url, page.url
    assert territory_a.name not in page.content()

    # A's forms, sent as the browser would (with its CSRF token): invite a référent, edit the
    # directory entry, change the adhésion. Each is a 404 and changes nothing.
    page.goto(b_space)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": token, "Referer": page.url}
    year = {"slug": territory_a.slug, "year": 2018}
    for url, data in (
        (a_prefix, {"email": "complice@exemple.test", "role": Role.REFERENT}),
        (reverse("members:directory_settings", kwargs={"slug": territory_a.slug}), {"show_population": "on"}),
        (reverse("members:adhesion", kwargs=year), {}),
        (reverse("members:fiche_section", kwargs={**year, "section": "identite"}), {}),
    ):
        assert page.request.post(url, form=data, headers=headers).status == 404, url
    assert not Invitation.objects.filter(email="complice@exemple.test").exists()
    # The same token and headers work on the account's own territory's form (the section comes back
    # with its errors): the 404s above are not a CSRF refusal.
    own_fiche = reverse(
        "members:fiche_section", kwargs={"slug": "pays-b", "year": 2018, "section": "identite"}
    )
    assert page.request.post(own_fiche, form={}, headers=headers).status == 200
