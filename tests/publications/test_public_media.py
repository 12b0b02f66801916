"""Partner logos and news images uploaded in the admin are served under /media/ (issue 23, finding
11: logos were stored under publications/partenaires/ while only partenaires/ was served)."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from publications.association.models import News, Partner

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (20, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def _get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == "image/png"
    return b"".join(response.streaming_content)


def test_a_partner_logo_uploaded_in_the_admin_is_shown_on_the_partners_page(staff_client, client):
    logo = io.BytesIO(_png())
    logo.name = "logo.png"
    response = staff_client.post(
        reverse("admin:publications_partner_add"),
        {
            "name": "Partenaire d'exemple (fictif)",
            "link": "https://exemple.test/",
            "order": "10",
            "logo": logo,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get()
    staff_client.logout()
    page = client.get(reverse("association:partners")).content.decode()
    assert partner.logo.url in page
    assert _get(client, partner.logo.url) == _png()


def test_a_news_image_uploaded_in_the_admin_is_served(staff_client, client):
    image = io.BytesIO(_png())
    image.name = "photo.png"
    response = staff_client.post(
        reverse("admin:publications_news_add"),
        {
            "title": "Une actualité d'exemple (fictive)",
            "slug": "une-actualite-d-exemple",
            "date": "2018-03-01",
            "is_published": "on",
            "body": "Un exemple fictif.",
            "image": image,
            "image_alt": "Un carré vert",
            "source": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    news = News.objects.get()
    assert _get(client, news.image.url) == _png()


def test_every_public_media_folder_is_one_an_upload_field_writes_to():
    from publications.association.models import news_image_upload_to, partner_logo_upload_to

    class Holder:
        def __init__(self):
            self.logo = self.image = type("F", (), {"file": io.BytesIO(_png())})()

    for upload_to in (news_image_upload_to, partner_logo_upload_to):
        name = upload_to(Holder(), "x.png")
        assert any(name.startswith(prefix) for prefix in settings.PUBLIC_MEDIA_PREFIXES), name
