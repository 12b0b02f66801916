"""The staff home names no territory's data (tests/test_territory_isolation.py)."""


def territory_objects(territory) -> dict:
    return {}


TERRITORY_URLS: dict = {}
OTHER_URLS: dict = {}


def check_unchanged(other) -> None:
    """The staff home changes nothing."""
