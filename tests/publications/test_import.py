"""Importing an issue folder: the real first issue, idempotence, and refusal of malformed files."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from publications import services
from publications.importer import ImportFormatError, parse_issue_folder
from publications.models import Article, Issue, Rubrique

from ..factories import TerritoryFactory
from .fixtures import FICTIONAL_ISSUE

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Issue.objects.values()),
        list(Article.objects.order_by("pk").values()),
        list(Rubrique.objects.order_by("pk").values()),
    )


def test_the_real_first_issue_imports_with_its_eleven_articles(seed_folder, capsys):
    call_command("import_issue", str(seed_folder))
    issue = Issue.objects.get(number=1)
    assert (issue.season, issue.label, str(issue.date)) == ("Hiver 2018", "Hiver 2018 / n°01", "2018-01-15")
    assert issue.director == "Raymond Vall"
    assert issue.publisher.startswith("Association Nationale des Pôles territoriaux")
    articles = list(issue.articles.select_related("rubrique").order_by("order"))
    assert len(articles) == 11
    assert articles[0].rubrique.name == "Édito" and articles[0].title == "Nouvelle année, nouveaux projets !"
    assert articles[0].authors == [{"name": "Raymond Vall", "role": "Président de l’ANPP"}]
    dossier = issue.articles.get(slug="dossier-contrats-de-ruralite")
    assert dossier.rubrique.name == "Dossier"
    assert "94 contrats de ruralité sont portés par un PETR" in dossier.quotes
    assert "<h2>Eléments chiffrés</h2>" in dossier.body_html
    out = capsys.readouterr().out
    assert "Numéro 1 (Hiver 2018) : créé." in out and "Articles créés (11)" in out


def test_importing_the_real_first_issue_twice_changes_nothing(seed_folder, capsys):
    call_command("import_issue", str(seed_folder))
    before = _snapshot()
    capsys.readouterr()
    call_command("import_issue", str(seed_folder))
    assert _snapshot() == before
    out = capsys.readouterr().out
    assert "inchangé" in out and "Articles inchangés : 11" in out and "Rien n'a changé." in out


def test_a_broken_copy_of_the_first_issue_is_refused_with_file_and_line_and_nothing_is_written(
    seed_folder, tmp_path
):
    broken = tmp_path / "numero"
    shutil.copytree(seed_folder, broken)
    path = broken / "09-dossier-contrats-de-ruralite.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[3].startswith("order:")
    lines[3] = "order: neuf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_issue", str(broken))
    message = str(excinfo.value)
    assert "09-dossier-contrats-de-ruralite.md:4" in message
    assert "« order » doit être un entier positif" in message
    assert "rien n'a été écrit" in message
    assert not Issue.objects.exists() and not Article.objects.exists()


def test_a_broken_file_changes_nothing_in_an_issue_already_imported(seed_folder, tmp_path):
    call_command("import_issue", str(seed_folder))
    before = _snapshot()
    broken = tmp_path / "numero"
    shutil.copytree(seed_folder, broken)
    (broken / "01-edito.md").write_text(
        (broken / "01-edito.md").read_text(encoding="utf-8").replace("Nouvelle année", "Autre titre"),
        encoding="utf-8",
    )
    path = broken / "11-nos-partenaires.md"
    path.write_text(path.read_text(encoding="utf-8").replace("quotes: []", "quotes: [oups"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"11-nos-partenaires\.md:\d+: YAML invalide"):
        call_command("import_issue", str(broken))
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "reason"),
    [
        ("issue.yaml", "number: 1", "number: -1", 1, "« number » doit être un entier positif"),
        ("issue.yaml", "visibility: public", "visibility: secret", 10, "« visibility » doit valoir"),
        (
            "01-edito.md",
            'title: "Nouvelle année, nouveaux projets !"',
            'titre: "x"',
            2,
            "clé inconnue « titre »",
        ),
        ("01-edito.md", 'rubrique: "Édito"', 'rubrique: ""', 3, "« rubrique » ne peut pas être vide"),
        ("02-actu-anpp.md", '"http://www.cpie.fr/spip.php?rubrique46"', '"ftp://x"', 10, "lien invalide"),
        ("01-edito.md", "order: 1", "order: 2", 4, "ordre 2 déjà utilisé par 01-edito.md"),
    ],
)
def test_each_kind_of_mistake_is_named_with_its_line(seed_folder, tmp_path, file, old, new, line, reason):
    broken = tmp_path / "numero"
    shutil.copytree(seed_folder, broken)
    path = broken / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ImportFormatError) as excinfo:
        services.issue_import(folder=broken)
    assert reason in excinfo.value.reason
    assert excinfo.value.line == line
    assert not Issue.objects.exists()


@pytest.mark.parametrize(("file", "line"), [("issue.yaml", 3), ("02-dossier-reciprocite.md", 2)])
def test_a_control_character_in_a_file_is_refused_naming_the_file_and_its_line(tmp_path, file, line):
    """Issue 23, finding 3: the import refuses control characters as every other door does."""
    shutil.copytree(FICTIONAL_ISSUE, tmp_path / "n")
    path = tmp_path / "n" / file
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = lines[line - 1][:-1] + "\x0b" + lines[line - 1][-1:]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ImportFormatError) as excinfo:
        services.issue_import(folder=tmp_path / "n")
    assert excinfo.value.line == line and "caractère de contrôle invisible (U+000B)" in excinfo.value.reason
    assert path.name in str(excinfo.value)  # the message names the file
    assert not Issue.objects.exists()


def test_a_file_without_front_matter_is_refused(tmp_path):
    shutil.copytree(FICTIONAL_ISSUE, tmp_path / "n")
    (tmp_path / "n" / "04-sans-entete.md").write_text("Juste du texte.\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"04-sans-entete\.md:1: le fichier doit commencer"):
        parse_issue_folder(tmp_path / "n")


def test_an_updated_folder_updates_and_deletes_articles_and_reports_it(tmp_path):
    TerritoryFactory(slug="pays-fictif")
    folder = tmp_path / "n"
    shutil.copytree(FICTIONAL_ISSUE, folder)
    first = services.issue_import(folder=folder)
    assert first.issue_created and len(first.created) == 3
    article = Article.objects.get(slug="projet-alimentaire")
    assert [t.slug for t in article.territories.all()] == ["pays-fictif"]
    (folder / "03-projet-alimentaire.md").unlink()
    edito = folder / "01-edito.md"
    edito.write_text(edito.read_text(encoding="utf-8").replace("Bonne lecture !", "Bonne lecture à tous !"))
    report = services.issue_import(folder=folder)
    assert report.updated == ["edito"] and report.deleted == ["projet-alimentaire"]
    assert "Bonne lecture à tous" in Article.objects.get(slug="edito").body_html
    assert not report.issue_created and not report.issue_updated


def test_an_unknown_territory_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ImportFormatError, match=r"03-projet-alimentaire\.md:\d+: territoire inconnu"):
        services.issue_import(folder=FICTIONAL_ISSUE)
    assert not Issue.objects.exists()


def test_an_import_is_a_draft_unless_published_and_says_so(seed_folder, capsys):
    call_command("import_issue", str(seed_folder))
    assert Issue.objects.get(number=1).status == Issue.Status.DRAFT
    assert "Le numéro est un brouillon" in capsys.readouterr().out
    call_command("import_issue", str(seed_folder), "--publish")
    assert Issue.objects.get(number=1).is_published
    out = capsys.readouterr().out
    assert "Rien n'a changé." in out and "Numéro publié." in out
    call_command("import_issue", str(seed_folder), "--publish")
    assert "Le numéro est publié." in capsys.readouterr().out
