"""Every change of news, partners and the page about the ANPP (the admin and the seed loader call
these). Saving moves the page cache's ``publications`` generation on, so the public pages change at once."""

from django.utils.text import slugify

from ..rendering import markdown_to_html
from .models import AssociationPage, News, Partner


def news_save(*, news: News) -> News:
    """Validate and save a news item with its rendered HTML."""
    if not news.slug:
        news.slug = slugify(news.title)[:120] or "actualite"
    news.body_html = markdown_to_html(news.body)
    news.full_clean()
    news.save()
    return news


def partner_save(*, partner: Partner) -> Partner:
    partner.full_clean()
    partner.save()
    return partner


def association_page_save(*, page: AssociationPage) -> AssociationPage:
    page.intro_html = markdown_to_html(page.intro)
    page.missions_html = markdown_to_html(page.missions)
    page.governance_html = markdown_to_html(page.governance)
    page.full_clean()
    page.save()
    return page
