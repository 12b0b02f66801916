"""Reading an issue folder (the import format) into plain data, validating everything first.

A folder holds ``issue.yaml`` and one ``NN-slug.md`` file per article, each starting with YAML front
matter between ``---`` lines. Nothing here touches the database: ``parse_issue_folder`` either returns
an ``IssueData`` that is valid as a whole or raises ``ImportFormatError`` naming the file, the line and
the reason. ``services.issue_import`` writes it in one transaction.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.text import slugify

from anpp_portal.text import CONTROL_CHARACTERS_RE

from .links import is_safe_link
from .rendering import markdown_nesting_error

# The import folders shipped with the project: the magazine's first issue, copied from the seed.
CONTENT_DIR = Path(__file__).resolve().parent / "content"
FIRST_ISSUE = CONTENT_DIR / "territoires-de-projets-01"

ISSUE_FILE = "issue.yaml"
ISSUE_KEYS = {"number", "season", "date", "title", "publisher", "director", "editor", "visibility"}
ISSUE_REQUIRED = {"number", "season", "date", "title"}
ARTICLE_KEYS = {"title", "rubrique", "order", "chapeau", "authors", "quotes", "links", "territories"}
ARTICLE_REQUIRED = {"title", "rubrique", "order"}
VISIBILITIES = {"public": "public", "members": "members", "adherents": "members", "adhérents": "members"}
SEASON_RE = re.compile(r"^(Hiver|Printemps|Été|Ete|Automne)\s+\d{4}$", re.IGNORECASE)


class ImportFormatError(Exception):
    def __init__(self, path: Path, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")


@dataclass
class ArticleData:
    source: str
    slug: str
    title: str
    rubrique: str
    order: int
    chapeau: str
    body: str
    authors: list[dict]
    quotes: list[str]
    links: list[str]
    territories: list[str]
    lines: dict[str, int] = field(default_factory=dict, repr=False)


@dataclass
class IssueData:
    number: int
    season: str
    date: datetime.date
    title: str
    publisher: str
    publisher_address: str
    director: str
    editor: str
    visibility: str
    articles: list[ArticleData]


def _load_yaml(text: str, path: Path, line_offset: int) -> tuple[dict, dict[str, int]]:
    """Load a YAML mapping; return it with the line of each top-level key (1-based, in the file)."""
    try:
        # An alias (*name) repeats a structure by reference: a few lines can stand for billions of
        # items once walked ("billion laughs"). A front matter never needs one; refuse it at its line.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ImportFormatError(
                    path,
                    event.start_mark.line + 1 + line_offset,
                    "YAML invalide : les alias (*nom) ne sont pas acceptés",
                )
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise ImportFormatError(path, line, f"YAML invalide : {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ImportFormatError(path, None, f"YAML invalide : {exc}") from None
    except (ValueError, TypeError, OverflowError):
        # The syntax is right but a value cannot be built: a date that does not exist (2018-02-30).
        raise ImportFormatError(
            path, None, "YAML invalide : une valeur ne peut pas être lue (une date qui n'existe pas ?)"
        ) from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ImportFormatError(path, line_offset + 1, "un dictionnaire de clés YAML est attendu")
    lines = {}
    for key_node, _value in node.value:
        lines[str(key_node.value)] = key_node.start_mark.line + 1 + line_offset
    return data, lines


def _check_keys(data: dict, lines: dict, path: Path, allowed: set, required: set, start: int) -> None:
    for key in data:
        if key not in allowed:
            raise ImportFormatError(
                path,
                lines.get(str(key)),
                f"clé inconnue « {key} » (attendues : {', '.join(sorted(allowed))})",
            )
    for key in sorted(required - set(data)):
        raise ImportFormatError(path, start, f"clé obligatoire manquante : « {key} »")


def _text(
    data: dict, key: str, path: Path, lines: dict, *, required: bool = False, max_length: int = 0
) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ImportFormatError(path, lines.get(key), f"« {key} » doit être un texte")
    value = value.strip()
    if required and not value:
        raise ImportFormatError(path, lines.get(key), f"« {key} » ne peut pas être vide")
    if max_length and len(value) > max_length:
        raise ImportFormatError(path, lines.get(key), f"« {key} » dépasse {max_length} caractères")
    return value


def _read(path: Path) -> str:
    """The file's text, refused (naming its line) if it holds a control character: the portal
    refuses them in every text (anpp_portal/text.py), the import included."""
    text = path.read_text(encoding="utf-8")
    match = CONTROL_CHARACTERS_RE.search(text)
    if match:
        raise ImportFormatError(
            path,
            text.count("\n", 0, match.start()) + 1,
            f"caractère de contrôle invisible (U+{ord(match.group()):04X}) : retirez-le",
        )
    return text


def _parse_issue_file(path: Path) -> dict:
    data, lines = _load_yaml(_read(path), path, 0)
    _check_keys(data, lines, path, ISSUE_KEYS, ISSUE_REQUIRED, 1)
    number = data["number"]
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ImportFormatError(path, lines["number"], "« number » doit être un entier positif")
    date = data["date"]
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ImportFormatError(path, lines["date"], "« date » doit être une date AAAA-MM-JJ")
    season = _text(data, "season", path, lines, required=True, max_length=60)
    if not SEASON_RE.match(season):
        raise ImportFormatError(path, lines["season"], "« season » doit ressembler à « Hiver 2018 »")
    publisher = data.get("publisher") or {}
    if isinstance(publisher, str):
        publisher = {"name": publisher}
    if not isinstance(publisher, dict) or set(publisher) - {"name", "address"}:
        raise ImportFormatError(
            path, lines.get("publisher"), "« publisher » doit avoir « name » et « address »"
        )
    visibility = str(data.get("visibility") or "public").strip().lower()
    if visibility not in VISIBILITIES:
        raise ImportFormatError(
            path, lines.get("visibility"), "« visibility » doit valoir « public » ou « members »"
        )
    return {
        "number": number,
        "season": season,
        "date": date,
        "title": _text(data, "title", path, lines, required=True, max_length=200),
        "publisher": str(publisher.get("name") or "").strip(),
        "publisher_address": str(publisher.get("address") or "").strip(),
        "director": _text(data, "director", path, lines, max_length=200),
        "editor": _text(data, "editor", path, lines, max_length=200),
        "visibility": VISIBILITIES[visibility],
    }


def _string_list(data: dict, key: str, path: Path, lines: dict) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ImportFormatError(path, lines.get(key), f"« {key} » doit être une liste de textes non vides")
    return [item.strip() for item in value]


def _parse_article_file(path: Path) -> ArticleData:
    text = _read(path)
    all_lines = text.splitlines()
    if not all_lines or all_lines[0].strip() != "---":
        raise ImportFormatError(
            path, 1, "le fichier doit commencer par un en-tête YAML entre deux lignes « --- »"
        )
    try:
        end = next(i for i, line in enumerate(all_lines[1:], start=1) if line.strip() == "---")
    except StopIteration:
        raise ImportFormatError(path, 1, "l'en-tête YAML n'est pas fermé par une ligne « --- »") from None
    data, lines = _load_yaml("\n".join(all_lines[1:end]), path, 1)
    _check_keys(data, lines, path, ARTICLE_KEYS, ARTICLE_REQUIRED, 1)
    order = data["order"]
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767:
        raise ImportFormatError(path, lines["order"], "« order » doit être un entier positif")
    authors = data.get("authors") or []
    if not isinstance(authors, list):
        raise ImportFormatError(path, lines.get("authors"), "« authors » doit être une liste de {name, role}")
    clean_authors = []
    for author in authors:
        if (
            not isinstance(author, dict)
            or set(author) - {"name", "role"}
            or not isinstance(author.get("name"), str)
            or not author["name"].strip()
            or not isinstance(author.get("role") or "", str)
        ):
            raise ImportFormatError(
                path,
                lines.get("authors"),
                "chaque auteur doit avoir un « name » (texte) et un « role » facultatif",
            )
        clean_authors.append({"name": author["name"].strip(), "role": (author.get("role") or "").strip()})
    links = _string_list(data, "links", path, lines)
    for link in links:
        if not is_safe_link(link):
            raise ImportFormatError(
                path, lines.get("links"), f"lien invalide : « {link} » (http, https ou mailto)"
            )
    body = "\n".join(all_lines[end + 1 :]).strip() + "\n"
    nesting_error = markdown_nesting_error(body)
    if nesting_error:
        raise ImportFormatError(path, end + 2, nesting_error)
    stem = re.sub(r"^\d+[-_]", "", path.stem)
    slug = slugify(stem)[:120]
    if not slug:
        raise ImportFormatError(path, None, "le nom du fichier doit donner un identifiant (NN-titre.md)")
    return ArticleData(
        source=path.name,
        slug=slug,
        title=_text(data, "title", path, lines, required=True, max_length=300),
        rubrique=_text(data, "rubrique", path, lines, required=True, max_length=100),
        order=order,
        chapeau=_text(data, "chapeau", path, lines),
        body=body,
        authors=clean_authors,
        quotes=_string_list(data, "quotes", path, lines),
        links=links,
        territories=_string_list(data, "territories", path, lines),
        lines=lines,
    )


def parse_issue_folder(folder: Path | str) -> IssueData:
    """Read and validate a whole issue folder; raise ImportFormatError at the first problem."""
    folder = Path(folder)
    issue_path = folder / ISSUE_FILE
    if not folder.is_dir():
        raise ImportFormatError(folder, None, "dossier introuvable")
    if not issue_path.is_file():
        raise ImportFormatError(issue_path, None, "fichier manquant")
    try:
        issue = _parse_issue_file(issue_path)
    except UnicodeDecodeError:
        raise ImportFormatError(issue_path, None, "le fichier n'est pas en UTF-8") from None
    articles = []
    seen_orders: dict[int, str] = {}
    seen_slugs: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            article = _parse_article_file(path)
        except UnicodeDecodeError:
            raise ImportFormatError(path, None, "le fichier n'est pas en UTF-8") from None
        if article.order in seen_orders:
            raise ImportFormatError(
                path,
                article.lines.get("order"),
                f"ordre {article.order} déjà utilisé par {seen_orders[article.order]}",
            )
        if article.slug in seen_slugs:
            raise ImportFormatError(
                path, None, f"identifiant « {article.slug} » déjà utilisé par {seen_slugs[article.slug]}"
            )
        seen_orders[article.order] = seen_slugs[article.slug] = path.name
        articles.append(article)
    if not articles:
        raise ImportFormatError(folder, None, "aucun article (fichier .md) dans le dossier")
    articles.sort(key=lambda a: a.order)
    return IssueData(articles=articles, **issue)


# An issue folder is a few dozen small text files: anything much bigger is not one.
ARCHIVE_MAX_FILES = 500
ARCHIVE_MAX_BYTES = 20 * 1024 * 1024


def extract_issue_archive(file, destination: Path) -> Path:
    """Extract the .zip of an issue folder into ``destination`` and return the folder that holds its
    issue.yaml (at the top or in one sub-folder). Only .md and .yaml files are written, under flat
    names: a path in the archive never leads outside ``destination``."""
    import zipfile
    import zlib

    archive_path = Path(getattr(file, "name", "archive.zip"))
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise ImportFormatError(archive_path, None, "ce fichier n'est pas une archive .zip") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > ARCHIVE_MAX_FILES or sum(m.file_size for m in members) > ARCHIVE_MAX_BYTES:
            raise ImportFormatError(archive_path, None, "archive trop grande pour un numéro")
        wanted = [m for m in members if Path(m.filename).suffix.lower() in {".md", ".yaml"}]
        parents = {Path(m.filename).parent for m in wanted if Path(m.filename).name == ISSUE_FILE}
        if len(parents) != 1:
            raise ImportFormatError(archive_path, None, f"l'archive doit contenir un et un seul {ISSUE_FILE}")
        (parent,) = parents
        destination.mkdir(parents=True, exist_ok=True)
        for member in wanted:
            if Path(member.filename).parent != parent:
                continue
            name = Path(member.filename).name
            if not re.fullmatch(r"[\w.-]+", name):
                raise ImportFormatError(archive_path, None, f"nom de fichier refusé : « {name} »")
            try:
                content = archive.read(member)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
                # A damaged entry (bad CRC, truncated data), an unknown compression or a password.
                raise ImportFormatError(
                    archive_path,
                    None,
                    f"le fichier « {member.filename} » de l'archive est illisible "
                    "(archive abîmée, compression inconnue ou protégée par un mot de passe)",
                ) from None
            (destination / name).write_bytes(content)
    return destination
