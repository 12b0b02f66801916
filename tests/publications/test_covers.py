"""Cover images: checked by their content, limited in size and dimensions, stored under a server name."""

import io
import os
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from publications.covers import MAX_SIDE, detect_format
from publications.models import Issue

pytestmark = pytest.mark.django_db


def _png(size=(40, 60), noise=False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, format="GIF")
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny file whose header announces a huge canvas (a decompression bomb's signature)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def _add_issue(client, upload):
    data = {
        "number": 42,
        "season": "Hiver 2019",
        "date": "2019-01-15",
        "title": "Territoires de Projets",
        "visibility": Issue.Visibility.PUBLIC,
        "publish_at_0": "",
        "publish_at_1": "",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
        "cover": upload,
    }
    return client.post(reverse("admin:publications_issue_add"), data)


def _stored_covers(settings):
    folder = settings.MEDIA_ROOT / "publications" / "covers"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_a_valid_png_is_stored_under_a_server_generated_name(staff_client, settings):
    response = _add_issue(staff_client, SimpleUploadedFile("Ma couverture.PNG", _png(), "image/png"))
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = Issue.objects.get(number=42)
    assert re.fullmatch(r"publications/covers/[0-9a-f]{32}\.png", issue.cover.name)
    assert "couverture" not in issue.cover.name.lower()
    assert _stored_covers(settings) == [issue.cover.name.rsplit("/", 1)[1]]
    with issue.cover.open("rb") as stored:
        assert stored.read() == _png()


def test_the_extension_comes_from_the_content_not_from_the_name(staff_client):
    webp = io.BytesIO()
    Image.new("RGB", (20, 20)).save(webp, format="WEBP")
    response = _add_issue(staff_client, SimpleUploadedFile("cover.jpg", webp.getvalue(), "image/jpeg"))
    assert response.status_code == 302
    assert Issue.objects.get(number=42).cover.name.endswith(".webp")


def test_an_html_or_php_file_renamed_jpg_is_refused_next_to_the_field(staff_client, settings):
    payload = b"<?php system($_GET['c']); ?>\n<html><script>alert(1)</script></html>"
    response = _add_issue(staff_client, SimpleUploadedFile("cover.jpg", payload, "image/jpeg"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["cover"]
    assert "image" in errors["cover"][0]
    assert not Issue.objects.exists()
    assert _stored_covers(settings) == []


def test_an_oversized_cover_is_refused_with_the_limit_in_the_message(staff_client, settings):
    heavy = _png(size=(1400, 1400), noise=True)  # random pixels do not compress: about 5.9 MB
    assert len(heavy) > settings.ANPP_COVER_MAX_BYTES
    response = _add_issue(staff_client, SimpleUploadedFile("cover.png", heavy, "image/png"))
    assert response.status_code == 200
    message = response.context["adminform"].form.errors["cover"][0]
    assert "Fichier trop lourd" in message and "5,0" in message
    assert not Issue.objects.exists()
    assert _stored_covers(settings) == []


def test_a_cover_of_absurd_dimensions_is_refused(staff_client):
    response = _add_issue(
        staff_client, SimpleUploadedFile("c.png", _png(size=(MAX_SIDE + 1, 1)), "image/png")
    )
    assert response.status_code == 200
    assert "Image trop grande" in response.context["adminform"].form.errors["cover"][0]
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (_png(), "PNG"),
        (_png_claiming(60_000, 60_000), None),  # 3.6 gigapixels in 60 bytes
        (_gif(), None),  # an image, but not an allowed format
        (b"%PDF-1.7\n", None),
    ],
)
def test_the_format_is_read_from_the_content(content, accepted):
    from django.core.exceptions import ValidationError

    if accepted:
        assert detect_format(io.BytesIO(content)) == accepted
    else:
        with pytest.raises(ValidationError):
            detect_format(io.BytesIO(content))
