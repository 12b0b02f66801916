"""Reads of the publications app. Each list runs a fixed number of queries whatever its length."""

import secrets
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from math import ceil

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from anpp_portal.params import bounded_int

from . import fts
from .access import can_see_issue, is_member
from .models import Article, Issue, IssuePDF, Rubrique
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
        .order_by("-issue__date", "-issue__number", "order")[:limit]
    )


def search_filters() -> tuple[list[int], QuerySet[Rubrique]]:
    """The years and rubriques the search form offers: those of published articles (2 small
    queries). A rubrique is tested with one "first published article" lookup rather than a DISTINCT
    over every article, which would read the whole table on each search."""
    years = sorted({d.year for d in published_issues().dates("date", "year")}, reverse=True)
    first_published = (
        Article.objects.filter(rubrique=OuterRef("pk"), issue__status=Issue.Status.PUBLISHED)
        .order_by()
        .values("pk")[:1]
    )
    rubriques = Rubrique.objects.alias(first_published=Subquery(first_published)).filter(
        first_published__isnull=False
    )
    return years, rubriques


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

    @property
    def cap(self) -> int:
        """The number the page says the results are more than, when ``capped``."""
        return SEARCH_COUNT_CAP


def _fallback_matches(q: str, year: int | None, rubrique: str, full_text: bool) -> QuerySet:
    """Databases other than PostgreSQL and SQLite: every word in the title, chapeau or body,
    newest first (the body of a members-only article only for readers allowed to read it)."""
    articles = Article.objects.filter(issue__status=Issue.Status.PUBLISHED)
    readable_body = Q() if full_text else ~Q(issue__visibility=Issue.Visibility.MEMBERS)
    if year:
        articles = articles.filter(issue__date__year=year)
    if rubrique:
        articles = articles.filter(rubrique__slug=rubrique)
    for word in q.replace('"', " ").split():
        articles = articles.filter(
            Q(title__icontains=word) | Q(chapeau__icontains=word) | (Q(body__icontains=word) & readable_body)
        )
    return articles.order_by("-issue__date", "order", "pk").values_list("pk", flat=True)


# Only fixed SQL fragments go in these templates ({filters}); every value is a parameter.
# Tiers as on PostgreSQL: the title matches, then the title and chapeau together, then the rest;
# within a tier, bm25 on the title (weight 10) and chapeau (1), then the newest issue.
_SQLITE_PAGE_SQL = """
SELECT a.id
FROM publications_article_fts f
JOIN publications_article a ON a.id = f.rowid
JOIN publications_issue i ON i.id = a.issue_id
WHERE publications_article_fts MATCH %(all)s AND i.status = %(published)s{filters}
ORDER BY CASE
    WHEN f.rowid IN (SELECT rowid FROM publications_article_fts WHERE publications_article_fts MATCH %(title)s) THEN 0
    WHEN f.rowid IN (SELECT rowid FROM publications_article_fts WHERE publications_article_fts MATCH %(head)s) THEN 1
    ELSE 2 END,
  bm25(publications_article_fts, 10.0, 1.0, 0.0), i.date DESC, a."order", a.id
LIMIT %(limit)s OFFSET %(start)s"""
_SQLITE_COUNT_SQL = """
SELECT count(*) FROM (
  SELECT 1
  FROM publications_article_fts f
  JOIN publications_article a ON a.id = f.rowid
  JOIN publications_issue i ON i.id = a.issue_id
  WHERE publications_article_fts MATCH %(all)s AND i.status = %(published)s{filters}
  LIMIT %(cap)s)"""


# Fixed SQL fragments of _SqliteSearch's filters (every value is a parameter).
_SQLITE_NOT_EXCLUDED = "f.rowid NOT IN (SELECT rowid FROM publications_article_fts WHERE publications_article_fts MATCH %(excluded)s)"
_SQLITE_MEMBERS_ONLY_HEAD = """ AND ((i.visibility <> %(members)s AND {not_excluded}) OR (i.visibility = %(members)s
  AND f.rowid IN (SELECT rowid FROM publications_article_fts WHERE publications_article_fts MATCH %(head)s)))"""


class _SqliteSearch:
    """SQLite: the FTS5 index of publications/fts.py (accents removed, French stems), ranked in
    the same tiers as _PostgresSearch; the count is capped the same way."""

    def __init__(self, cursor, q: str, year: int | None, rubrique: str, full_text: bool):
        self.cursor = cursor
        parsed = fts.parse_query(q)
        self.empty = not fts.match_expression(parsed)
        # The outer MATCH looks for the terms to find over the whole article (bm25 ranks on it);
        # exclusions are applied apart, so that a members-only text can be kept out of them.
        self.params = {
            "all": fts.match_expression(parsed, exclusions=False),
            "excluded": fts.excluded_expression(parsed),
            "title": fts.match_expression(parsed, "title"),
            "head": fts.match_expression(parsed, "title chapeau"),
            "published": Issue.Status.PUBLISHED,
            "cap": SEARCH_COUNT_CAP + 1,
        }
        filters = ""
        if year:
            filters += " AND i.date >= %(year_start)s AND i.date < %(year_end)s"
            self.params.update(year_start=date(year, 1, 1), year_end=date(year + 1, 1, 1))
        if rubrique:
            filters += (
                " AND a.rubrique_id = (SELECT r.id FROM publications_rubrique r WHERE r.slug = %(rubrique)s)"
            )
            self.params["rubrique"] = rubrique
        not_excluded = _SQLITE_NOT_EXCLUDED if parsed.excluded else "1"
        if full_text:
            filters += " AND " + not_excluded
        else:
            # For readers who may not read it, a members-only article is its title and chapeau: it
            # must match there, exclusions included (a phrase of the text finds nothing, and an
            # excluded word of the text does not hide it, which would tell that the word is there).
            filters += _SQLITE_MEMBERS_ONLY_HEAD.format(not_excluded=not_excluded)
            self.params["members"] = Issue.Visibility.MEMBERS
        self.page_sql = _SQLITE_PAGE_SQL.format(filters=filters)
        self.count_sql = _SQLITE_COUNT_SQL.format(filters=filters)

    def page(self, number: int) -> tuple[int, list[int]]:
        if self.empty:
            return 0, []
        start = (number - 1) * SEARCH_PAGE_SIZE
        self.cursor.execute(self.count_sql, self.params)
        count = self.cursor.fetchone()[0]
        self.cursor.execute(self.page_sql, {**self.params, "start": start, "limit": SEARCH_PAGE_SIZE})
        return count, [row[0] for row in self.cursor.fetchall()]


# The query as PostgreSQL parses it (an immutable function of constants: parsed once, at planning).
_TSQUERY = "websearch_to_tsquery(%(config)s::regconfig, %(q)s)"
# The title part of search_head (weight A), as indexed by migration 0007.
_TITLE = """ts_filter(a.search_head, '{a}'::"char"[])"""

# Templates of _PostgresSearch: only fixed SQL fragments go in them, every value is a parameter.
_ISSUES_SQL = "SELECT i.id FROM publications_issue i WHERE {issue_ok}"
_MEMBERS_ISSUES_SQL = "SELECT mi.id FROM publications_issue mi WHERE mi.visibility = %(members)s"
_TIER_SQL = """
{tier} AS MATERIALIZED (
  SELECT a.id, a.issue_id, a."order", ts_rank(%(weights)s::float4[], a.search_head, {q}) AS rank
  FROM publications_article a
  WHERE {condition}{article_ok}
)"""
_TIER_PAGE_SQL = """
(SELECT m.id FROM {tier} m JOIN publications_issue i ON i.id = m.issue_id
 WHERE {issue_ok}
 ORDER BY m.rank DESC, i.date DESC, m."order", m.id
 LIMIT %(stop)s)"""
_SEARCH_SQL = """
WITH {tiers},
page AS ({tier_pages}
  LIMIT %(limit)s OFFSET %(start)s
)
SELECT NULL, CASE
  WHEN (SELECT count(*) FROM (
          SELECT 1 FROM title m JOIN publications_issue i ON i.id = m.issue_id WHERE {issue_ok}
          UNION ALL
          SELECT 1 FROM head m JOIN publications_issue i ON i.id = m.issue_id WHERE {issue_ok}
          LIMIT %(cap)s) first_tiers) >= %(cap)s THEN %(cap)s
  ELSE (SELECT count(*) FROM (
          SELECT 1 FROM publications_article a
          WHERE {everything}{article_ok}
            AND (SELECT {issue_ok} FROM publications_issue i WHERE i.id = a.issue_id)
          LIMIT %(cap)s) all_matches)
  END
UNION ALL
SELECT id, NULL FROM page
"""


class _PostgresSearch:
    """PostgreSQL: one page of the published articles matching ``q``, best first, and their count
    (capped at ``SEARCH_COUNT_CAP`` + 1), in one statement.

    The order is ts_rank on the small title-and-chapeau vector ``search_head`` (``SEARCH_WEIGHTS``:
    any title match outranks any chapeau match, which outranks a body match), then the newest issue,
    then the order in the issue. The matches are read in three tiers, each with its GIN index:

    1. ``title``: the title matches the query (index on the title part of ``search_head``);
    2. ``head``: the title and chapeau together do (index on ``search_head``);
    3. ``rest``: the body is needed (index on ``search_vector``).

    For a one-word query the tiers are exactly the bands of the rank (above 0.6, up to 0.1, 0);
    for several words "all the words in the title" comes first. UNION ALL reads a tier only when
    the page goes past the previous ones, and the count stops as soon as the first tiers hold more
    than the cap, so a page ranks a few hundred or thousand rows, never every match: "territoires"
    is in 19,000 of the 20,000 articles of the benchmark, in 2,000 titles.

    The plans do not depend on the planner's estimates: each GIN scan runs once, in a materialized
    CTE or a single-table scan (joined with the issues, it can be planned once per issue when the
    tables have no statistics yet), and sequential scans are disabled for the statement
    (_index_scans): the planner does not count the decompression of each row's vectors, and for a
    common word it picks a sequential scan four to eight times slower than the index.
    """

    def __init__(self, cursor, q: str, year: int | None, rubrique: str, full_text: bool):
        self.cursor = cursor
        self.params = {
            "config": SEARCH_CONFIG,
            "q": q,
            "weights": SEARCH_WEIGHTS,
            "published": Issue.Status.PUBLISHED,
            "cap": SEARCH_COUNT_CAP + 1,
        }
        issue_ok = "i.status = %(published)s"
        article_ok = ""
        if year:
            issue_ok += " AND i.date >= %(year_start)s AND i.date < %(year_end)s"
            self.params.update(year_start=date(year, 1, 1), year_end=date(year + 1, 1, 1))
            # A year is a few issues: their articles (issue index) narrow every scan of the index.
            article_ok += f" AND a.issue_id = ANY(ARRAY({_ISSUES_SQL.format(issue_ok=issue_ok)}))"
        if rubrique:
            article_ok += (
                " AND a.rubrique_id = (SELECT r.id FROM publications_rubrique r WHERE r.slug = %(rubrique)s)"
            )
            self.params["rubrique"] = rubrique
        title, head, everything = (
            f"{_TITLE} @@ {_TSQUERY}",
            f"a.search_head @@ {_TSQUERY}",
            f"a.search_vector @@ {_TSQUERY}",
        )
        if not full_text:
            # A reader who may not read a members-only text must not be able to probe it either (a
            # phrase or a negation would rebuild it word by word): for those articles, the whole
            # article is its title and chapeau.
            self.params["members"] = Issue.Visibility.MEMBERS
            members_only = f"a.issue_id = ANY(ARRAY({_MEMBERS_ISSUES_SQL}))"
            everything = f"(({everything} AND NOT {members_only}) OR ({head} AND {members_only}))"
        # With a negation ("-mot"), the title or chapeau may match while the whole article does
        # not, and an article outside the head tier may still match by its title. Whether the
        # query has one is a constant: the planner drops the extra conditions when it has none.
        negated = f"strpos({_TSQUERY}::text, '!') > 0"
        tiers = {
            "title": f"{title} AND (NOT {negated} OR {everything})",
            "head": f"{head} AND NOT {title} AND (NOT {negated} OR {everything})",
            "rest": f"{everything} AND NOT coalesce({head}, false) AND NOT ({negated} AND coalesce({title}, false))",
        }
        self.sql = _SEARCH_SQL.format(
            tiers=",".join(
                _TIER_SQL.format(tier=tier, q=_TSQUERY, condition=condition, article_ok=article_ok)
                for tier, condition in tiers.items()
            ),
            # Append runs its parts in order and stops when the LIMIT is reached: the tiers come
            # out one after the other, and a tier no page reaches is never read.
            tier_pages="\nUNION ALL".join(
                _TIER_PAGE_SQL.format(tier=tier, issue_ok=issue_ok) for tier in tiers
            ),
            q=_TSQUERY,
            everything=everything,
            issue_ok=issue_ok,
            article_ok=article_ok,
        )

    def page(self, number: int) -> tuple[int, list[int]]:
        """(count of all matches up to the cap + 1, ids of page ``number``)."""
        start = (number - 1) * SEARCH_PAGE_SIZE
        self.cursor.execute(
            self.sql,
            {**self.params, "start": start, "stop": start + SEARCH_PAGE_SIZE, "limit": SEARCH_PAGE_SIZE},
        )
        rows = self.cursor.fetchall()
        count = next(count for pk, count in rows if pk is None)
        return count, [pk for pk, _ in rows if pk is not None]


@contextmanager
def _index_scans():
    """A cursor whose statements are planned without sequential scans (see _PostgresSearch), nor
    JIT compilation: a scan that has to stay sequential (the handful of issues of a year) then
    costs so much in the planner's eyes that it would compile the statement: 100 ms for 5."""
    outer_transaction = connection.in_atomic_block
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('jit'),"
            " set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
        )
        seqscan, jit, _, _ = cursor.fetchone()
        yield cursor
        if outer_transaction:  # a test, ATOMIC_REQUESTS: leave the rest of the transaction alone
            cursor.execute(
                "SELECT set_config('enable_seqscan', %s, true), set_config('jit', %s, true)", [seqscan, jit]
            )


def _search_page(q: str, year: int | None, rubrique: str, page: int | str, full_text: bool) -> Page:
    """The page like Paginator.get_page gives it: the first one for a page number that is not one,
    the last one for a number past the end."""
    # Past the capped count there is nothing to show: a page number is at most the last possible one
    # (a made-up 10**22 would overflow PostgreSQL's bigint in OFFSET).
    number = bounded_int(page, default=1, low=1, high=ceil((SEARCH_COUNT_CAP + 1) / SEARCH_PAGE_SIZE))
    if connection.vendor == "postgresql":
        scans, search_class = _index_scans(), _PostgresSearch
    else:
        scans, search_class = connection.cursor(), _SqliteSearch
    with scans as cursor:
        search = search_class(cursor, q, year, rubrique, full_text)
        count, ids = search.page(number)
        last = max(1, ceil(count / SEARCH_PAGE_SIZE))
        if number > last:
            number = last
            count, ids = search.page(number)
    paginator = CappedPaginator(ids, SEARCH_PAGE_SIZE)
    paginator.count = count
    return Page(ids, number, paginator)


def search_articles(
    *, q: str, year: int | None = None, rubrique: str = "", page: int | str = 1, user=None
) -> Page:
    """Published articles matching ``q``, best first, one page of them.

    PostgreSQL: the stored, GIN-indexed search vectors (french_unaccent: stemmed, accents folded),
    ranked title > chapeau > body (see _PostgresSearch). SQLite: the FTS5 index of the same stems,
    ranked in the same tiers (_SqliteSearch). Highlighted excerpts are computed for the displayed
    page only. Other databases: a plain icontains fallback, newest first. The text of a
    members-only article is searched, and its excerpts shown, only for readers allowed to read it
    (publications.access); for others such an article is its title and chapeau."""
    # Only words, quotes, "-" and "or", and at most fts.MAX_QUERY_WORDS words (the form says so
    # when a query is longer): the same query on every database, and never a run of operators.
    q = fts.parse_query(q).text
    postgres = connection.vendor == "postgresql"
    member = is_member(user)
    if postgres or connection.vendor == "sqlite":
        result = _search_page(q, year, rubrique, page, full_text=member)
    else:
        matches = _fallback_matches(q, year, rubrique, full_text=member)
        result = CappedPaginator(matches, SEARCH_PAGE_SIZE).get_page(page)
    ids = list(result.object_list)
    page_articles = (
        Article.objects.filter(pk__in=ids)
        .select_related("issue", "rubrique")
        .defer("body_html", "search_vector", "search_head", "quotes", "links")
    )
    markers = _highlight_markers()
    if postgres:
        page_articles = page_articles.annotate(
            raw_headline=SearchHeadline(
                "body",
                SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch"),
                config=SEARCH_CONFIG,
                start_sel=markers[0],
                stop_sel=markers[1],
                max_words=30,
                min_words=12,
                max_fragments=2,
            ),
        )
    by_id = {article.pk: article for article in page_articles}
    if connection.vendor == "sqlite":
        stems = fts.parse_query(q).stems
        for article in by_id.values():
            article.raw_headline = fts.headline(article.body, stems, *markers)
    result.object_list = [by_id[pk] for pk in ids if pk in by_id]
    for article in result.object_list:
        if article.issue.members_only and not member:
            article.headline = _highlight(article.chapeau, markers)
        else:
            article.headline = _highlight(
                getattr(article, "raw_headline", "") or article.body[:240] or article.chapeau, markers
            )
    return result


def _highlight_markers() -> tuple[str, str]:
    """Fresh markers for one search: the headline wraps the words found in them, then the excerpt is
    escaped and they become <mark>. A random token in each, so that no article text can hold them
    (fixed characters could be typed in an article, and give unbalanced <mark> tags)."""
    token = secrets.token_hex(8)
    return f"\u27e6{token}", f"{token}\u27e7"


def _highlight(text: str, markers: tuple[str, str]) -> str:
    start_sel, stop_sel = markers
    text = escape(text.replace("**", "").replace("#", ""))
    return mark_safe(text.replace(start_sel, "<mark>").replace(stop_sel, "</mark>"))  # noqa: S308


def issue_pdfs_failed() -> QuerySet[IssuePDF]:
    """The PDF renderings that failed and that no later rendering of the same issue and variant
    has made good: what staff have to look at (their home, the admin's filter « À traiter »)."""
    made_good = IssuePDF.objects.filter(
        issue=OuterRef("issue"),
        variant=OuterRef("variant"),
        status=IssuePDF.Status.READY,
        created_at__gt=OuterRef("created_at"),
    )
    return IssuePDF.objects.filter(status=IssuePDF.Status.FAILED).exclude(Exists(made_good))
