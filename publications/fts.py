"""French full-text search on SQLite (the embedded default): an FTS5 table of the articles.

PostgreSQL searches with its ``french_unaccent`` configuration (accents folded, then the Snowball
French stemmer, French stop words). To find the same articles on SQLite, the text is put through the
same steps in Python before it reaches FTS5: words are lower-cased, their accents removed, then
stemmed by the Snowball French stemmer (snowballstemmer, the Snowball project's own Python build of
the algorithm PostgreSQL's ``french_stem`` uses). The FTS5 table stores these stems, one column each
for the title, the chapeau and the body; its rowid is the article's id. A query goes through the same
steps (``match_expression``), so "RURALITÉ", "ruralite" and "ruralités" all become ``ruralit``.

Stop words are kept in the index (a quoted phrase such as "contrats de ruralité" must find them in
place) and left out of the words of a query, as PostgreSQL does.

The table and a trigger that removes an article's row when the article is deleted (by the admin,
an import, or in cascade with its issue) are created by migration 0010 on SQLite only; the rows are
written by ``services.search_vectors_update``, called by every service that saves articles.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.db import connection

TABLE = "publications_article_fts"

CREATE_SQL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS publications_article_fts
        USING fts5(title, chapeau, body, tokenize = 'unicode61 remove_diacritics 2')""",
    # A deleted article leaves the index with it, whatever deleted it (cascades included).
    """CREATE TRIGGER IF NOT EXISTS publications_article_fts_delete AFTER DELETE ON publications_article
        BEGIN DELETE FROM publications_article_fts WHERE rowid = old.id; END""",
]
DROP_SQL = [
    "DROP TRIGGER IF EXISTS publications_article_fts_delete",
    "DROP TABLE IF EXISTS publications_article_fts",
]

# PostgreSQL's french.stop (the Snowball project's French stop word list). PostgreSQL compares it
# with the word once its accents are removed, so the accented entries never match there: neither
# do they here.
_STOP_WORDS_TEXT = """au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi
    mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une
    vos votre vous c d j l à m n s t y été étée étées étés étant étante étants étantes suis es est
    sommes êtes sont serai seras sera serons serez seront serais serait serions seriez seraient étais
    était étions étiez étaient fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses
    fût fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont
    aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait avions
    aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût eussions
    eussiez eussent"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# A word: letters and digits (no underscore), as PostgreSQL's parser splits text into words.
WORD_RE = re.compile(r"[^\W_]+")
# Ligatures that unaccent expands and NFKD does not.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

_stemmer = snowballstemmer.stemmer("french")


def unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The indexed form of one word: lower case, no accents, French stem."""
    return _stemmer.stemWord(unaccent(word.lower()))


def is_stop_word(word: str) -> bool:
    return unaccent(word.lower()) in STOP_WORDS


def index_text(text: str) -> str:
    """The stems of ``text``, separated by spaces: what the FTS5 table stores."""
    return " ".join(stem(word) for word in WORD_RE.findall(text or ""))


def index_articles(article_ids: list[int]) -> None:
    """Write (or rewrite) the index rows of these articles; ids of deleted articles are dropped."""
    from .models import Article

    rows = Article.objects.filter(pk__in=article_ids).values_list("pk", "title", "chapeau", "body")
    with connection.cursor() as cursor:
        cursor.executemany(
            "DELETE FROM publications_article_fts WHERE rowid = %s", [(pk,) for pk in article_ids]
        )
        cursor.executemany(
            "INSERT INTO publications_article_fts (rowid, title, chapeau, body) VALUES (%s, %s, %s, %s)",
            [
                (pk, index_text(title), index_text(chapeau), index_text(body))
                for pk, title, chapeau, body in rows
            ],
        )


def index_all() -> None:
    """Rebuild the whole index (migration 0010, or after loading rows without the services)."""
    from .models import Article

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM publications_article_fts")
    ids = list(Article.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        index_articles(ids[start : start + 1000])


# --- Queries -------------------------------------------------------------------------------------


# A query holds at most this many words (those of its terms, phrases included): enough for any
# real question, and every statement built from it stays small. websearch_to_tsquery fails on a
# run of operators ("tsquery stack too small" for 32 "-" in a row): the query PostgreSQL reads is
# the normalised text of ParsedQuery, one "-" at most per term and "or" only between two terms.
MAX_QUERY_WORDS = 16


@dataclass
class ParsedQuery:
    """A search query as websearch_to_tsquery reads it: groups of alternatives ("a or b") that must
    all match, and excluded terms ("-mot"). Each term is a tuple of stems: one word, or a phrase.

    ``text`` is the same query in websearch syntax with nothing but words, quotes, one "-" per
    excluded term and "or" between alternatives: what PostgreSQL is given. ``too_long``: the query
    had more than MAX_QUERY_WORDS words; the terms past them are left out."""

    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    excluded: list[tuple[str, ...]] = field(default_factory=list)
    text: str = ""
    too_long: bool = False

    @property
    def stems(self) -> set[str]:
        """Every stem the query looks for (to highlight them)."""
        return {s for group in self.groups for term in group for s in term}


# A quoted phrase (the closing quote may be missing), or a run of non-space characters.
_CHUNK_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def _term_words(text: str, *, phrase: bool) -> list[str]:
    words = WORD_RE.findall(text)
    if phrase:
        # Inside quotes the words keep their places, stop words included.
        return words
    kept = [i for i, w in enumerate(words) if not is_stop_word(w)]
    if not kept:
        return []
    # "l'ANPP" is "anpp"; "contrats-cadres" is the phrase "contrat cadr".
    return words[kept[0] : kept[-1] + 1]


def _term(text: str, *, phrase: bool) -> tuple[str, ...]:
    return tuple(stem(w) for w in _term_words(text, phrase=phrase))


def parse_query(q: str) -> ParsedQuery:
    parsed = ParsedQuery()
    pieces: list[str] = []
    word_count = 0
    pending_or = False
    for match in _CHUNK_RE.finditer(q):
        negated_phrase, phrase_text, plain = match.groups()
        if plain is not None and plain.lower() == "or":
            pending_or = bool(parsed.groups)
            continue
        if plain is not None:
            # "--mot" excludes "mot" as "-mot" does: a run of "-" is one exclusion.
            negated = plain.startswith("-") and len(plain.lstrip("-")) > 0
            words = _term_words(plain.lstrip("-") if negated else plain, phrase=False)
        else:
            negated = bool(negated_phrase)
            words = _term_words(phrase_text, phrase=True)
        if not words:
            continue
        if word_count + len(words) > MAX_QUERY_WORDS:
            parsed.too_long = True
            break
        word_count += len(words)
        term = tuple(stem(w) for w in words)
        bare = len(words) == 1 and plain is not None and words[0].lower() != "or"
        piece = words[0] if bare else '"' + " ".join(words) + '"'
        if negated:
            parsed.excluded.append(term)
            pieces.append("-" + piece)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(term)
            pieces.append("or " + piece)
            pending_or = False
        else:
            parsed.groups.append([term])
            pieces.append(piece)
    parsed.text = " ".join(pieces)
    return parsed


def _fts_term(term: tuple[str, ...]) -> str:
    # Stems are letters and digits only: quoting them makes any of them a plain FTS5 string.
    return '"' + " ".join(term) + '"'


def match_expression(parsed: ParsedQuery, columns: str = "", *, exclusions: bool = True) -> str:
    """The FTS5 MATCH expression of the query, over ``columns`` ("title", "title chapeau") or the
    whole article. Empty when the query has nothing to look for (only stop words or exclusions).
    ``exclusions=False``: the terms to find only, without the excluded ones."""
    if not parsed.groups:
        return ""
    expression = " AND ".join(
        "(" + " OR ".join(_fts_term(term) for term in group) + ")" for group in parsed.groups
    )
    if parsed.excluded and exclusions:
        expression = f"({expression}) NOT (" + " OR ".join(_fts_term(t) for t in parsed.excluded) + ")"
    return _within(columns, expression)


def excluded_expression(parsed: ParsedQuery, columns: str = "") -> str:
    """The FTS5 MATCH expression of the excluded terms ("-mot"), empty when there are none."""
    if not parsed.excluded:
        return ""
    return _within(columns, " OR ".join(_fts_term(t) for t in parsed.excluded))


def _within(columns: str, expression: str) -> str:
    return "{" + columns + "} : (" + expression + ")" if columns else expression


# --- Highlighted excerpts, as ts_headline gives them ---------------------------------------------

HEADLINE_WORDS = 30  # MaxWords of the PostgreSQL headline
HEADLINE_FRAGMENTS = 2


def headline(text: str, stems: set[str], start_sel: str, stop_sel: str) -> str:
    """Up to two fragments of ``text`` around the words whose stem the query looks for, those
    words wrapped in ``start_sel``/``stop_sel``, fragments joined by " ... " (as ts_headline with
    MaxFragments=2). Without any such word: the beginning of the text."""
    words = list(WORD_RE.finditer(text))
    if not words:
        return ""
    hits = [i for i, word in enumerate(words) if stem(word.group()) in stems]
    if not hits:
        return text[: words[min(len(words), HEADLINE_WORDS) - 1].end()]
    # Each fragment is about HEADLINE_WORDS long, the word found near its middle.
    before, after = HEADLINE_WORDS // 2 - 1, HEADLINE_WORDS // 2
    fragments: list[list[int]] = []
    for hit in hits:
        start, stop = max(0, hit - before), min(len(words) - 1, hit + after)
        if fragments and start <= fragments[-1][1] + 1:
            fragments[-1][1] = max(fragments[-1][1], stop)
        elif len(fragments) < HEADLINE_FRAGMENTS:
            fragments.append([start, stop])
    hit_set = set(hits)
    out = []
    for start, stop in fragments:
        pieces, cursor = [], words[start].start()
        for i in range(start, stop + 1):
            word = words[i]
            pieces.append(text[cursor : word.start()])
            pieces.append(f"{start_sel}{word.group()}{stop_sel}" if i in hit_set else word.group())
            cursor = word.end()
        out.append("".join(pieces))
    return " ... ".join(out)
