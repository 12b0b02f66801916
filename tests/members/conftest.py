import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored PDFs go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
