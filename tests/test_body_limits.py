"""Finding 10 of issue 16: request bodies are bounded before anything reads them. The CSRF-exempt
newsletter form takes a few kilobytes; every request at most
ANPP_MAX_REQUEST_BYTES, even where the CSRF check would parse (and spool) it first."""

import pytest
from django.test import Client
from django.urls import reverse

from publications.models import Subscriber

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def multipart(size: int) -> bytes:
    return (
        b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nlectrice@exemple.fr\r\n'
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * size + b"\r\n--b--\r\n"
    )


def test_a_60_mb_multipart_body_to_the_newsletter_form_is_refused_unread(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = multipart(60 * MB)
    response = Client().post(
        reverse("publications:newsletter_subscribe"), body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert not list(tmp_path.iterdir())  # nothing spooled to disk
    assert not Subscriber.objects.exists()


def test_the_newsletter_form_still_works_with_an_ordinary_post():
    response = Client().post(reverse("publications:newsletter_subscribe"), {"email": "lectrice@exemple.fr"})
    assert response.status_code == 200 and Subscriber.objects.exists()


def test_any_request_past_the_limit_is_refused_before_the_csrf_check_parses_it(settings):
    settings.ANPP_MAX_REQUEST_BYTES = 2 * MB
    response = Client(enforce_csrf_checks=True).post(
        reverse("account_login"), multipart(3 * MB), content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413


def test_form_fields_kept_in_memory_are_bounded(settings):
    from django.conf import settings as live

    assert live.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
