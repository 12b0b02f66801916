"""The feeds of « Actualités », in RSS 2.0 and Atom: the whole text of each item (it is public)."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from anpp_portal.pagecache import public_page

from . import selectors


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed
    title = "Actualités de l'ANPP"
    link = reverse_lazy("association:news_list")
    description = "Les actualités de l'Association Nationale des Pôles territoriaux et des Pays"
    language = "fr"

    def items(self):
        return selectors.feed_news()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body_html

    def item_pubdate(self, item):
        # The item's own date (not when it was typed in), at noon Paris time.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))

    def item_updateddate(self, item):
        return item.updated_at


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description


# Marked for the page cache like the pages: a feed is the same for every reader.
news_rss = public_page("publications")(NewsRssFeed())
news_atom = public_page("publications")(NewsAtomFeed())
