"""Demo data of the publications app: the real first issue of the magazine, shipped in the repository
(``publications/content/territoires-de-projets-01/``), imported and published, with a plain cover drawn
from its title (the printed issue's cover image is not in the seed, so the demo's is visibly generic);
then the news, partners and page about the ANPP taken from that issue.

Idempotent: the import changes nothing the second time, publishing a published issue is a no-op and
a cover is drawn only for an issue that has none.
"""

from . import services
from .association import seed as association_seed
from .importer import CONTENT_DIR, FIRST_ISSUE

__all__ = ["CONTENT_DIR", "FIRST_ISSUE", "load"]


def load() -> list:
    report = services.issue_import(folder=FIRST_ISSUE, publish=True)
    if not report.issue.cover:
        services.issue_cover_generate(issue=report.issue)
    association_seed.load()  # news, partners and the page about the ANPP, from the first issue
    return []
