from pathlib import Path

import pytest

from publications.demo import FIRST_ISSUE


@pytest.fixture
def seed_folder() -> Path:
    """The real first issue of the magazine, shipped in the repository: its absence is a failure."""
    if not (FIRST_ISSUE / "issue.yaml").is_file():
        pytest.fail(f"the first issue's import folder is missing from the repository: {FIRST_ISSUE}")
    return FIRST_ISSUE


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored PDFs go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
