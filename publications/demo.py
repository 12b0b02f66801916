"""Demo data of the publications app: the sample issue shipped with the app and, when the shared
seed folder is present, the real first issue of the magazine; both published.

Idempotent: the import changes nothing the second time and publishing a published issue is a no-op.
Needs the members demo data first (the sample issue cites the PETR Pays Portes de Gascogne).
"""

from pathlib import Path

from django.conf import settings

from . import services
from .association import seed as association_seed

SAMPLE_ISSUE = Path(__file__).resolve().parent / "sample" / "exemple-02"
SEED_ISSUE = Path(settings.BASE_DIR).parent / "shared" / "seed" / "territoires-de-projets-01"


def load() -> list:
    folders = [SAMPLE_ISSUE] + ([SEED_ISSUE] if (SEED_ISSUE / "issue.yaml").is_file() else [])
    for folder in folders:
        report = services.issue_import(folder=folder)
        services.issue_publish(issue=report.issue)
    association_seed.load()  # news, partners and the page about the ANPP, from the first issue
    return []
