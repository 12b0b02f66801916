"""Reads of the publications app. Each list runs a fixed number of queries whatever its length."""

from collections import OrderedDict
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .access import can_see_issue, is_member
from .models import Article, Issue, Rubrique
from .services import SEARCH_CONFIG

SEARCH_PAGE_SIZE = 10
# ts_rank weights for D, C, B, A (body is C, chapeau B, title A): a title match outweighs any
# number of body matches.
SEARCH_WEIGHTS = [0.01, 0.02, 0.1, 1.0]


def _toc_prefetch() -> Prefetch:
    return Prefetch(
        "articles",
        queryset=Article.objects.select_related("rubrique")
        .only(
            "id",
            "issue_id",
            "order",
            "slug",
            "title",
            "chapeau",
            "authors",
            "rubrique__name",
            "rubrique__slug",
        )
        .order_by("order"),
    )


def published_issues() -> QuerySet[Issue]:
    return Issue.objects.filter(status=Issue.Status.PUBLISHED)


# The archive shows at most this many articles of each issue (the issue page has them all): a
# magazine of 11 articles shows its whole table of contents, a 200-article special issue does not
# make the archive page megabytes long.
ARCHIVE_TOC_LENGTH = 12


def archive_by_year() -> "OrderedDict[int, list[Issue]]":
    """Published issues with the start of their table of contents, grouped by year, newest first
    (2 queries, whatever the number of articles)."""
    first_articles = (
        _toc_prefetch()
        .queryset.annotate(
            position=Window(RowNumber(), partition_by=[F("issue_id")], order_by=[F("order").asc()])
        )
        .filter(position__lte=ARCHIVE_TOC_LENGTH)
    )
    issues = (
        published_issues()
        .order_by("-date", "-number")
        .annotate(article_count=Count("articles"))
        .prefetch_related(Prefetch("articles", queryset=first_articles, to_attr="toc_start"))
    )
    years: OrderedDict[int, list[Issue]] = OrderedDict()
    for issue in issues:
        years.setdefault(issue.date.year, []).append(issue)
    return years


def issue_for_reader(*, user, number: int) -> Issue:
    """The issue with its articles, if ``user`` may see it (drafts: staff only); else 404."""
    issue = Issue.objects.prefetch_related(_toc_prefetch()).filter(number=number).first()
    if issue is None or not can_see_issue(user, issue):
        raise Http404
    return issue


@dataclass
class Neighbours:
    previous: object | None
    next: object | None


def issue_neighbours(issue: Issue) -> Neighbours:
    issues = published_issues()
    return Neighbours(
        previous=issues.filter(number__lt=issue.number).order_by("-number").only("number", "season").first(),
        next=issues.filter(number__gt=issue.number).order_by("number").only("number", "season").first(),
    )


def article_for_reader(*, user, number: int, slug: str) -> tuple[Article, Neighbours]:
    """The article, its issue, rubrique and territories, with the previous and next articles of the
    issue; 404 if the issue may not be seen by ``user``."""
    article = (
        Article.objects.select_related("issue", "rubrique")
        .prefetch_related("territories")
        .filter(issue__number=number, slug=slug)
        .first()
    )
    if article is None or not can_see_issue(user, article.issue):
        raise Http404
    siblings = Article.objects.filter(issue_id=article.issue_id).only("slug", "title", "order", "issue_id")
    neighbours = Neighbours(
        previous=siblings.filter(order__lt=article.order).order_by("-order").first(),
        next=siblings.filter(order__gt=article.order).order_by("order").first(),
    )
    for item in (neighbours.previous, neighbours.next):
        if item is not None:
            item.issue = article.issue  # get_absolute_url without a query per link
    return article, neighbours


def rubrique_articles(*, slug: str) -> tuple[Rubrique, QuerySet[Article]]:
    rubrique = Rubrique.objects.filter(slug=slug).first()
    if rubrique is None:
        raise Http404
    articles = (
        Article.objects.filter(rubrique=rubrique, issue__status=Issue.Status.PUBLISHED)
        .select_related("issue")
        .order_by("-issue__date", "order")
    )
    return rubrique, articles


def feed_articles(limit: int = 50) -> QuerySet[Article]:
    return (
        Article.objects.filter(issue__status=Issue.Status.PUBLISHED)
        .select_related("issue", "rubrique")
        .order_by("-issue__published_at", "-issue__number", "order")[:limit]
    )


def search_filters() -> tuple[list[int], QuerySet[Rubrique]]:
    years = sorted({d.year for d in published_issues().dates("date", "year")}, reverse=True)
    return years, Rubrique.objects.filter(articles__issue__status=Issue.Status.PUBLISHED).distinct()


# Past this many matches the count is shown as "more than": counting every match of a very common
# word costs more than the page itself.
SEARCH_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: SEARCH_COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > SEARCH_COUNT_CAP


def search_articles(
    *, q: str, year: int | None = None, rubrique: str = "", page: int | str = 1, user=None
) -> Page:
    """Published articles matching ``q``, best first, one page of them.

    PostgreSQL: the stored, GIN-indexed search vector (french_unaccent: stemmed, accents folded),
    ranked title > chapeau > body; highlighted excerpts are computed for the displayed page only.
    Other databases: a plain icontains fallback, newest first. Excerpts of the full text are shown
    only to readers allowed to read it (publications.access); others see the chapeau."""
    articles = Article.objects.filter(issue__status=Issue.Status.PUBLISHED)
    if year:
        articles = articles.filter(issue__date__year=year)
    if rubrique:
        articles = articles.filter(rubrique__slug=rubrique)
    q = q.strip()
    postgres = connection.vendor == "postgresql"
    if postgres:
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        articles = (
            articles.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_head"), query, weights=SEARCH_WEIGHTS))
            .order_by("-rank", "-issue__date", "order")
        )
    else:
        words = q.split()
        for word in words:
            articles = articles.filter(
                Q(title__icontains=word) | Q(chapeau__icontains=word) | Q(body__icontains=word)
            )
        articles = articles.order_by("-issue__date", "order")
    paginator = CappedPaginator(articles.values_list("pk", flat=True), SEARCH_PAGE_SIZE)
    result = paginator.get_page(page)
    ids = list(result.object_list)
    page_articles = Article.objects.filter(pk__in=ids).select_related("issue", "rubrique")
    if postgres:
        page_articles = page_articles.annotate(
            raw_headline=SearchHeadline(
                "body",
                query,
                config=SEARCH_CONFIG,
                start_sel=START_SEL,
                stop_sel=STOP_SEL,
                max_words=30,
                min_words=12,
                max_fragments=2,
            ),
        )
    by_id = {article.pk: article for article in page_articles}
    result.object_list = [by_id[pk] for pk in ids if pk in by_id]
    member = is_member(user)
    for article in result.object_list:
        if article.issue.members_only and not member:
            article.headline = _highlight(article.chapeau)
        else:
            article.headline = _highlight(
                getattr(article, "raw_headline", "") or article.body[:240] or article.chapeau
            )
    return result


# Sentinels that cannot come from an article's text; the excerpt is escaped, then they become <mark>.
START_SEL, STOP_SEL = "\u27e6", "\u27e7"


def _highlight(text: str) -> str:
    text = escape(text.replace("**", "").replace("#", ""))
    return mark_safe(text.replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>"))  # noqa: S308
