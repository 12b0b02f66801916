"""The look of the product as a test (issue 27): every page of the access matrix, as each role that
gets it, and the admin's changelists and change pages, at 320 × 640 and 1280 × 800, in French:

- no page scrolls sideways;
- no raw JSON visible outside a ``<pre>`` (or a field where it is typed);
- no English string outside the English locale;
- no number of four digits or more without French grouping, outside identifiers, years, codes,
  postal codes and SIREN/SIRET.

One browser context per role, the pages in sequence. Each page's screenshot goes to the folder
``make look`` prints (``ANPP_LOOK_DIR``, by default ``var/look/``), so that a person can page
through them: ``<width>/<role>/<page>.jpg``.
"""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from ..access_matrix import MATRIX, ROLES
from ..factories import PASSWORD, UserFactory
from ..test_access_matrix import _url, _world

VIEWPORTS = [(320, 640), (1280, 800)]
ADMIN_ROLES = ("staff", "superuser")

# Visible text of the page: text nodes with a box, outside <pre>, fields and scripts.
PAGE_STATE = """() => {
  // (A password's hash summary is a code: its iterations are not a count to group.)
  const skipped = 'pre, textarea, input, select, option, script, style, template, noscript, .field-password';
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest(skipped)) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text) continue;
    const box = parent.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    texts.push(text);
  }
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => !e.closest('.table-scroll, .results, .tabular'))
    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.classList.value);
  return {
    text: texts.join('\\n'),
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    wide: wide,
  };
}"""

JSON = re.compile(r'[\[{]\s*"[^"\n]{0,80}"\s*[:,\]]|\[\s*\[')
# Words of an English interface (Django's, a library's, a Python value leaking into a page).
ENGLISH = re.compile(
    r"\b(the|and|with|Add|Save|Delete|Search|Filter|Home|Welcome|Select|Change|History|Log out|Submit"
    r"|Cancel|Enabled|Human readable|Crontabs?|Authenticators?|Periodic|Intervals?|Clocked|Schedules?"
    r"|Tasks?|Yes|None|True|False|Unknown|Today|Now|Choose|Remove|Show|Hide|Close)\b"
)
NUMBER = re.compile(r"(?<![\w/.:#°\-–])(\d{4,})(?![\w/\-])")
# What a long run of digits may be, said by the words just before it.
IDENTIFIER_BEFORE = re.compile(
    r"(SIREN|SIRET|n°|N°|IBAN|BIC|[Cc]ode|[Nn]uméro|[Rr]éférence|[Mm]andat|[Ll]ibre réponse|\bEN)\W{0,3}$"
)


def ungrouped_numbers(text: str) -> list[str]:
    """Numbers of four digits or more written without French grouping: not a year (1900–2100), a
    postal code before its town, a SIREN (9 digits) or SIRET (14), nor a number an identifier's
    name precedes."""
    found = []
    for match in NUMBER.finditer(text):
        digits = match.group(1)
        before = text[max(0, match.start() - 14) : match.start()]
        after = text[match.end() : match.end() + 2]
        if len(digits) == 4 and 1900 <= int(digits) <= 2100 and not re.match(r",\d", after):
            continue
        if len(digits) == 5 and re.match(r" [A-ZÉ]", after):
            continue
        if len(digits) in (9, 14) or IDENTIFIER_BEFORE.search(before):
            continue
        found.append(text[max(0, match.start() - 30) : match.end() + 10].replace("\n", " "))
    return found


@dataclass
class Look:
    problems: dict = field(default_factory=lambda: {"scroll": [], "json": [], "english": [], "numbers": []})
    visited: int = 0
    pages: set = field(default_factory=set)


def look_dir() -> Path:
    return Path(os.environ.get("ANPP_LOOK_DIR") or Path(settings.BASE_DIR) / "var" / "look")


def _sees(outcome) -> bool:
    return outcome.status == 200 and outcome.content_type in ("", "text/html")


def matrix_pages() -> list[tuple[str, str, object]]:
    """(role, name, request) for each GET row of the matrix whose page the role gets as HTML."""
    pages = []
    for entry in MATRIX:
        if entry.request.method != "get":
            continue
        for role in ROLES:
            if _sees(entry.expected[role]):
                name = entry.request.url + ("-" + entry.request.note if entry.request.note else "")
                pages.append((role, name, entry.request))
    return pages


def admin_pages(users) -> list[tuple[str, str, str]]:
    """(role, name, url): each model's changelist and the change page of its first object, as ANPP
    staff where their group may view it, and as a superuser for the technical rest."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        role = "staff" if users["staff"].has_perm(f"{opts.app_label}.view_{opts.model_name}") else "superuser"
        name = f"admin-{opts.app_label}-{opts.model_name}"
        pages.append((role, name, changelist))
        first = model_admin.get_queryset(_FakeRequest(users["superuser"])).order_by("pk").first()
        if first is not None:
            pages.append(
                (
                    role,
                    name + "-change",
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]),
                )
            )
    return pages


class _FakeRequest:
    def __init__(self, user):
        self.user = user
        self.GET = {}
        self.COOKIES = {}
        self.META = {}


def _log_in(page, user):
    page.goto("/comptes/login/")
    page.get_by_label(re.compile(r"^Courriel")).fill(user.email)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()
    page.wait_for_load_state()
    assert "/comptes/login/" not in page.url, f"{user.email} could not log in"


def _check(look: Look, page, role: str, name: str, url: str, width: int) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url} as {role}: {response and response.status}"
    look.visited += 1
    look.pages.add(name)
    state = page.evaluate(PAGE_STATE)
    where = f"{width} px {url} as {role}"
    if state["scroll"] > state["inner"]:
        look.problems["scroll"].append(f"{where}: {state['scroll']} > {state['inner']} {state['wide']}")
    text = state["text"]
    if match := JSON.search(text):
        look.problems["json"].append(f"{where}: …{text[max(0, match.start() - 20) : match.end() + 20]}…")
    if match := ENGLISH.search(text):
        look.problems["english"].append(f"{where}: …{text[max(0, match.start() - 25) : match.end() + 25]}…")
    for excerpt in ungrouped_numbers(text):
        look.problems["numbers"].append(f"{where}: …{excerpt}…")
    folder = look_dir() / str(width) / role
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=folder / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.jpg", full_page=True, quality=60
    )


@pytest.fixture
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("_media_in_tmp")
def test_every_page_as_each_role_looks_finished_at_320_and_1280_pixels(
    browser, live_server, transactional_db, monkeypatch
):
    monkeypatch.setattr("anpp_portal.health.broker_status", lambda: "ok")
    objects, users = _world()
    users["superuser"] = UserFactory(is_staff=True, is_superuser=True)
    shutil.rmtree(look_dir(), ignore_errors=True)
    look = Look()
    visits: dict[str, list[tuple[str, str]]] = {}
    only = re.compile(os.environ.get("ANPP_LOOK_ONLY", ""))  # to look again at some pages only
    for role, name, request in matrix_pages():
        if only.search(_url(request, objects)):
            visits.setdefault(role, []).append((name, _url(request, objects)))
    for role, name, url in admin_pages(users):
        if only.search(url):
            visits.setdefault(role, []).append((name, url))
    if not os.environ.get("ANPP_LOOK_ONLY"):
        assert set(visits) >= {"anonymous", "person_a", "referent_a", "staff", "superuser"}
    for role, pages in visits.items():
        context = browser.new_context(locale="fr-FR", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role != "anonymous":
            _log_in(page, users[role])
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            for name, url in pages:
                _check(look, page, role, name, url, width)
        context.close()
    assert look.visited == 2 * sum(len(pages) for pages in visits.values())
    report = "\n".join(
        f"{kind} ({len(found)}):\n  " + "\n  ".join(found) for kind, found in look.problems.items() if found
    )
    assert not report, report


def test_the_checks_see_what_they_look_for():
    """The measures are not blind: each finds the defect it names, and passes what is allowed."""
    assert ungrouped_numbers("Population : 52480 habitants") == ["Population : 52480 habitants"]
    assert ungrouped_numbers("Montant : 2624,00 €")
    assert not ungrouped_numbers("Année 2018, 16700 Ruffec, SIREN 200070498, appel n° 2026-0001, 52 480")
    assert JSON.search('Choix : [["petr", "PETR"]]') and JSON.search('{"Reply-To": "x"}')
    assert not JSON.search("Un texte [entre crochets] et {accolades}")
    assert ENGLISH.search("Human readable") and ENGLISH.search("Select crontab to change")
    assert not ENGLISH.search("Le tableau de bord des adhésions et des fiches")
