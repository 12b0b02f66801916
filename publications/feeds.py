"""Feeds of the published articles, newest issue first (chapeaux only: never the full text): Atom
and RSS 2.0. Each entry is dated by its issue's date of publication as printed ("Hiver 2018": the
issue's date), not by the day it was imported or published in the portal."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from . import selectors


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "Territoires de Projets — ANPP"
    link = reverse_lazy("publications:archive")
    subtitle = "Le magazine de l'Association Nationale des Pôles territoriaux et des Pays"
    description = subtitle  # RSS's name for it

    def items(self):
        return selectors.feed_articles()

    def item_title(self, item):
        return f"{item.title} ({item.issue.label})"

    def item_description(self, item):
        return item.chapeau

    def item_author_name(self, item):
        return item.authors_display or None

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.issue.date, datetime.time(9, 0)))

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_categories(self, item):
        return [item.rubrique.name]


class LatestArticlesRssFeed(LatestArticlesFeed):
    feed_type = Rss201rev2Feed
