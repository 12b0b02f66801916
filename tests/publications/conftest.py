from pathlib import Path

import pytest
from django.conf import settings

SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "territoires-de-projets-01"


@pytest.fixture
def seed_folder():
    if not (SEED / "issue.yaml").is_file():
        pytest.skip(f"the real first issue is not here: {SEED} does not exist")
    return SEED


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored PDFs go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
