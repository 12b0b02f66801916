"""How the publications app's URLs use keywords, for tests/test_territory_isolation.py.

No publications URL names a territory's data: issues, articles and rubriques are the magazine's own,
their access rule (members-only full text) lives in publications/access.py and is tested in
test_access.py."""


def territory_objects(territory) -> dict:
    return {}


TERRITORY_URLS = {}

OTHER_URLS = {
    "publications:issue": "an issue's public number; members-only text is guarded by publications.access",
    "publications:issue_pdf": "an issue's public number; the PDF is guarded by publications.access",
    "publications:article": "an issue's number and an article's slug, public; full text guarded by access",
    "publications:rubrique": "a rubrique of the magazine, public data",
    "association:news_detail": "a news item of the association, public data",
    "public_media": "a file of the public media folders (covers, logos); private documents are elsewhere",
    "publications:newsletter_confirm": "the token of a newsletter email is the credential by design",
    "publications:newsletter_unsubscribe": "the token of a newsletter email is the credential by design (RFC 8058)",
}


def check_unchanged(other) -> None:
    """No publications URL writes territory data."""
