"""Reads of news, partners and the page about the ANPP: each page runs a fixed number of queries."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404

from anpp_portal.staffpolicy import acts_as_staff

from .models import AssociationPage, News, Partner

NEWS_PAGE_SIZE = 20
FEED_LENGTH = 20


def published_news():
    return News.objects.filter(is_published=True).order_by("-date", "-pk")


def news_page(*, page=1):
    return Paginator(published_news().defer("body"), NEWS_PAGE_SIZE).get_page(page)


def news_for_reader(*, user, slug: str) -> News:
    """A published news item; staff also see unpublished ones (a preview)."""
    staff = acts_as_staff(user, "publications.view_news")
    queryset = News.objects.all() if staff else published_news()
    return get_object_or_404(queryset, slug=slug)


def feed_news():
    return published_news()[:FEED_LENGTH]


def partners():
    return Partner.objects.order_by("order", "name")


def association_page() -> AssociationPage:
    """The page about the ANPP; before staff (or the demo data) wrote it, its title and the address
    the portal already shows in its footer."""
    page = AssociationPage.objects.first()
    if page is None:
        page = AssociationPage(title="L'ANPP", contact_address=settings.ANPP_IDENTITY["address"])
    return page
