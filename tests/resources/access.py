"""How the notes library's URLs use keywords, for tests/test_territory_isolation.py.

No resources URL names a territory's data: notes and the Q&A base are ANPP's own, their access rule
(members-only body and files) lives in resources/access.py."""


def territory_objects(territory) -> dict:
    return {}


TERRITORY_URLS = {}

OTHER_URLS = {
    "resources:note": "a note's slug; the members-only body is guarded by resources.access",
    "resources:attachment": "a note's file, served only to readers of its body (resources.access)",
    "resources:qa_entry": "an entry of the Q&A base, for members only (resources.access)",
    "resources:unfollow": "the token of a note email is the credential by design (RFC 8058)",
}


def check_unchanged(other) -> None:
    """No resources URL writes territory data."""
