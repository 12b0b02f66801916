"""The notes and the Q&A base are searched with the portal's French search: accents and case
ignored, plurals and singulars alike, phrases kept together, exclusions; the same answers on SQLite
(FTS5 stems) and PostgreSQL (french_unaccent), as tests/publications/test_search_parity.py checks
for the articles. Each case runs on the suite's database and, marked, on PostgreSQL."""

from datetime import date

import pytest
from django.urls import reverse

from resources import selectors, services
from resources.models import Note, QAEntry

from .conftest import make_note

pytestmark = pytest.mark.django_db

NOTES = [
    # slug, date, visibility, title, summary, body
    (
        "mobilite",
        date(2018, 1, 10),
        "members",
        "Les mobilités rurales",
        "Se déplacer hors des villes.",
        "Le covoiturage et le transport à la demande desservent les communes éloignées.",
    ),
    (
        "sante",
        date(2018, 2, 10),
        "public",
        "Maisons de santé",
        "Soigner dans les territoires.",
        "Une maison de santé pluriprofessionnelle réunit médecins et infirmiers.",
    ),
    (
        "ruralite",
        date(2018, 3, 10),
        "members",
        "Contrats de ruralité : décryptage",
        "Le décret expliqué.",
        "Les contrats de ruralité engagent l'État et le PETR ; la commune n'y est pas seule.",
    ),
    (
        "secret",
        date(2018, 4, 10),
        "members",
        "Note réservée",
        "Un résumé sans le mot caché.",
        "Le zorglub des territoires, réservé aux adhérents.",
    ),
]

# Query -> the notes found (slugs), newest first, for a member.
MEMBER_CASES = {
    "COMMUNES": ["ruralite", "mobilite"],
    "commune": ["ruralite", "mobilite"],
    "ruralites": ["ruralite"],
    "Ruralité": ["ruralite"],
    "medecin": ["sante"],
    '"contrats de ruralité"': ["ruralite"],
    '"ruralité de contrats"': [],
    "sante or covoiturage": ["sante", "mobilite"],
    "communes -covoiturage": ["ruralite"],
    "etat": ["ruralite"],
    "zorglubs": ["secret"],
    "de la": [],  # only stop words: nothing, and no error
}
# For a reader who is not a member: a members-only note is its title and summary.
NON_MEMBER_CASES = {
    "communes": [],
    "zorglub": [],
    "sante": ["sante"],
    "deplacer": ["mobilite"],
    "reservee -zorglub": ["secret"],  # an excluded word of the body does not hide it either
}


def _load_notes():
    for slug, day, visibility, title, summary, body in NOTES:
        make_note(slug=slug, date=day, visibility=visibility, title=title, summary=summary, body=body)


def _check_every_case(member, non_member):
    _load_notes()
    found = {q: [n.slug for n in selectors.search_notes(q=q, user=member).object_list] for q in MEMBER_CASES}
    assert found == MEMBER_CASES
    found = {
        q: [n.slug for n in selectors.search_notes(q=q, user=non_member).object_list]
        for q in NON_MEMBER_CASES
    }
    assert found == NON_MEMBER_CASES
    # The excerpt marks the words found, whatever their accents and case.
    [note] = selectors.search_notes(q="MEDECINS", user=non_member).object_list
    assert "<mark>médecins</mark>" in note.headline


def test_searches_on_this_database(member, non_member):
    _check_every_case(member, non_member)


@pytest.mark.postgres
def test_searches_on_postgresql(member, non_member):
    _check_every_case(member, non_member)


def test_a_non_member_sees_the_summary_as_excerpt_never_the_body(client, non_member):
    _load_notes()
    client.force_login(non_member)
    page = client.get(reverse("resources:search"), {"q": "reservee"}).content.decode()
    assert "Un résumé sans le mot caché" in page
    assert "zorglub" not in page


def test_a_member_finds_a_note_by_an_accent_free_plural_of_its_body(client, member):
    _load_notes()
    client.force_login(member)
    page = client.get(reverse("resources:search"), {"q": "infirmier"}).content.decode()
    assert "Maisons de santé" in page and "<mark>infirmiers</mark>" in page


def test_filters_narrow_the_search_and_drafts_are_never_found(member, themes):
    _load_notes()
    make_note(slug="brouillon", title="Brouillon des communes", publish=False)
    note = Note.objects.get(slug="mobilite")
    note.themes.set([themes[0]])
    assert [
        n.slug for n in selectors.search_notes(q="communes", user=member, theme="mobilites").object_list
    ] == ["mobilite"]
    assert [
        n.slug for n in selectors.search_notes(q="communes", user=member, kind="synthese").object_list
    ] == []
    assert [n.slug for n in selectors.search_notes(q="communes", user=member, year=2019).object_list] == []


def test_an_edited_or_deleted_note_leaves_nothing_behind_in_the_index(member):
    note = make_note(title="Titre", body="Les intercommunalités")
    note.body = "Les départements"
    services.note_save(note=note)
    assert [n.pk for n in selectors.search_notes(q="intercommunalite", user=member).object_list] == []
    assert [n.pk for n in selectors.search_notes(q="departement", user=member).object_list] == [note.pk]
    note.delete()
    assert list(selectors.search_notes(q="departement", user=member).object_list) == []


def _qa_cases(member, non_member):
    services.qa_entry_save(
        entry=QAEntry(
            title="Peut-on « mutualiser » un conseil de développement ?",
            date=date(2018, 1, 1),
            answer="Oui. Le conseil de développement est obligatoire dans les EPCI FP.",
        )
    )
    services.qa_entry_save(
        entry=QAEntry(
            title="Un congé de mobilité ?", date=date(2018, 1, 2), answer="Non, pas pour les salariés."
        )
    )
    titles = lambda q, user: [e.title for e in selectors.qa_entries(user=user, q=q).object_list]  # noqa: E731
    assert titles("developpements", member) == ["Peut-on « mutualiser » un conseil de développement ?"]
    assert titles("salarie", member) == ["Un congé de mobilité ?"]
    assert titles('"conseil de développement" -mobilite', member) == [
        "Peut-on « mutualiser » un conseil de développement ?"
    ]
    assert titles("", non_member) == []  # the Q&A base is for members


def test_the_qa_base_is_searched_the_same_way(member, non_member):
    _qa_cases(member, non_member)


@pytest.mark.postgres
def test_the_qa_base_is_searched_the_same_way_on_postgresql(member, non_member):
    _qa_cases(member, non_member)


def test_the_qa_base_page_makes_the_same_queries_for_one_entry_or_many(client, member, themes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)
    counts = []
    for n in range(2):
        for i in range(1 + 5 * n):
            entry = services.qa_entry_save(
                entry=QAEntry(title=f"Question {n}-{i}", date=date(2018, 1, 1), answer="Réponse.")
            )
            entry.themes.set(themes)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("resources:qa_list"), {"q": "reponse"})
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_qa_base_is_narrowed_to_a_theme_with_or_without_words(client, member, non_member, themes):
    mobility, health = themes[0], themes[1]
    for title, theme in (
        ("Un covoiturage (fictif) ?", mobility),
        ("Une maison de santé (fictive) ?", health),
    ):
        entry = services.qa_entry_save(entry=QAEntry(title=title, date=date(2018, 1, 1), answer="Réponse."))
        entry.themes.set([theme])
    url = reverse("resources:qa_list")

    def titles(user, **query):
        client.force_login(user)
        page = client.get(url, query).context["page"]
        return [e.title for e in page.object_list]

    assert titles(member, theme="mobilites") == ["Un covoiturage (fictif) ?"]
    assert titles(member, theme="sante", q="reponse") == ["Une maison de santé (fictive) ?"]
    assert titles(member, theme="contrats-de-ruralite") == []
    assert sorted(titles(member)) == ["Un covoiturage (fictif) ?", "Une maison de santé (fictive) ?"]
    assert titles(non_member, theme="mobilites") == []


def test_the_qa_base_lists_the_latest_first_page_by_page_with_the_words_found_marked(client, member):
    # Entered out of date order, twelve entries: the newest date first, ten to a page.
    for day in (3, 12, 1, 7, 10, 2, 11, 5, 9, 4, 8, 6):
        services.qa_entry_save(
            entry=QAEntry(
                title=f"Question fictive du {day} mars",
                date=date(2018, 3, day),
                answer=f"Le conseil de développement du {day} mars répond aux salariés.",
            )
        )
    client.force_login(member)
    url = reverse("resources:qa_list")
    first, second = (client.get(url, {"page": n}) for n in (1, 2))
    days = [[int(e.title.split()[3]) for e in page.context["page"].object_list] for page in (first, second)]
    assert days == [[12, 11, 10, 9, 8, 7, 6, 5, 4, 3], [2, 1]]
    # Each card's excerpt: the answer's start, or the words searched for, marked.
    assert (
        '<p class="result__excerpt">Le conseil de développement du 12 mars répond aux salariés</p>'
        in first.content.decode()
    )
    found = client.get(url, {"q": "salarie"}).content.decode()
    assert "du 12 mars répond aux <mark>salariés</mark></p>" in found
