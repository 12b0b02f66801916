"""Finding 9 of issue 16: an article's links are web pages or email addresses; a javascript: URL
entered in the admin is refused, and one stored earlier is never printed as a link."""

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.test import Client

from publications import services
from publications.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

DANGEROUS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>x</script>",
    "//evil.example/x",
]


@pytest.mark.parametrize("link", DANGEROUS)
def test_the_admin_form_refuses_a_link_that_is_not_http_https_or_mailto(link):
    article = ArticleFactory()
    form = modelform_factory(Article, fields=["links"])(
        {"links": f'["https://www.anpp.fr", "{link.replace(chr(34), chr(92) + chr(34))}"]'}, instance=article
    )
    assert not form.is_valid()
    assert "links" in form.errors


@pytest.mark.parametrize("link", DANGEROUS)
def test_the_service_refuses_it_too(link):
    article = ArticleFactory()
    article.links = [link]
    with pytest.raises(ValidationError):
        services.article_save(article=article)


def test_web_and_email_links_are_accepted():
    article = ArticleFactory()
    article.links = ["https://www.anpp.fr/adherer", "http://exemple.fr", "mailto:contact@anpp.fr"]
    services.article_save(article=article)


def test_a_dangerous_link_stored_before_is_not_printed():
    article = ArticleFactory(links=["https://www.anpp.fr"])
    Article.objects.filter(pk=article.pk).update(links=["https://www.anpp.fr", "javascript:alert(1)"])
    content = Client().get(article.get_absolute_url()).content.decode()
    assert 'href="https://www.anpp.fr"' in content
    assert "javascript:" not in content
