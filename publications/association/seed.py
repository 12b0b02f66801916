"""Load news, partners and the page about the ANPP from the first issue kept in the repository.

- News: the four items of the issue's « Actu ANPP » page (02-actu-anpp.md), one per ``##`` heading,
  dated with the issue's date and citing it as their source.
- Partners: data/partenaires.yaml (what the issue says of each, with the file it comes from).
- The page about the ANPP: data/anpp.yaml.

Idempotent and respectful of staff's edits: what already exists (a news item by its slug, a partner
by its name, the page) is left as it is; only what is missing is created.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.text import slugify

from ..importer import FIRST_ISSUE, parse_issue_folder
from . import services
from .models import AssociationPage, News, Partner

DATA = Path(__file__).resolve().parent / "data"
SEED_ISSUE = FIRST_ISSUE  # the seed copied into the project (publications/content/)
NEWS_ARTICLE_SLUG = "actu-anpp"
_HEADING = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class NewsItem:
    title: str
    slug: str
    body: str


def news_items_of(body: str) -> list[NewsItem]:
    """The items of an « Actu ANPP » page: each ``##`` heading and the text up to the next one."""
    headings = list(_HEADING.finditer(body))
    items = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
        title = heading.group(1).strip()
        items.append(
            NewsItem(title=title, slug=slugify(title)[:120], body=body[heading.end() : end].strip() + "\n")
        )
    return items


def seed_news(folder: Path = SEED_ISSUE) -> list[News]:
    """Unsaved news items of the issue in ``folder`` (its « Actu ANPP » page)."""
    issue = parse_issue_folder(folder)
    article = next(a for a in issue.articles if a.slug == NEWS_ARTICLE_SLUG)
    source = f"Territoires de Projets, {issue.season} / n°{issue.number:02d}, rubrique « {article.rubrique} »"
    return [
        News(title=item.title, slug=item.slug, date=issue.date, body=item.body, source=source)
        for item in news_items_of(article.body)
    ]


def seed_partners() -> list[Partner]:
    entries = yaml.safe_load((DATA / "partenaires.yaml").read_text(encoding="utf-8"))
    return [
        Partner(
            name=entry["name"],
            description=" ".join(entry["description"].split()),
            link=entry.get("link", ""),
            order=10 * (index + 1),
        )
        for index, entry in enumerate(entries)
    ]


def seed_association_page() -> AssociationPage:
    data = yaml.safe_load((DATA / "anpp.yaml").read_text(encoding="utf-8"))
    return AssociationPage(
        title=data["title"],
        intro=data["intro"],
        missions=data["missions"],
        governance=data["governance"],
        contact_address=data["contact_address"].strip(),
        website=data["website"],
    )


@transaction.atomic
def load(folder: Path = SEED_ISSUE) -> dict[str, int]:
    """Create what is missing; returns how many of each were created."""
    created = {"news": 0, "partners": 0, "page": 0}
    existing = set(News.objects.values_list("slug", flat=True))
    # Created last to first: items of one day are listed newest (highest id) first, so the list
    # shows them in the issue's order.
    for news in reversed(seed_news(folder)):
        if news.slug not in existing:
            services.news_save(news=news)
            created["news"] += 1
    names = set(Partner.objects.values_list("name", flat=True))
    for partner in seed_partners():
        if partner.name not in names:
            services.partner_save(partner=partner)
            created["partners"] += 1
    if not AssociationPage.objects.exists():
        services.association_page_save(page=seed_association_page())
        created["page"] = 1
    return created
