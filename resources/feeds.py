"""Feeds of the public notes (Atom and RSS 2.0), newest first, with their summary only. Members-only
notes never appear in them."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from . import selectors


class PublicNotesFeed(Feed):
    feed_type = Atom1Feed
    title = "Notes de l'ANPP"
    link = reverse_lazy("resources:list")
    subtitle = "Les notes publiques de l'Association Nationale des Pôles territoriaux et des Pays"
    description = subtitle

    def items(self):
        return selectors.feed_notes()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at or timezone.make_aware(
            datetime.datetime.combine(item.date, datetime.time(9, 0))
        )

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_categories(self, item):
        return [item.get_kind_display()]


class PublicNotesRssFeed(PublicNotesFeed):
    feed_type = Rss201rev2Feed
