"""Atom feed of the published articles, newest issue first (chapeaux only: never the full text)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from . import selectors


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "Territoires de Projets — ANPP"
    link = reverse_lazy("publications:archive")
    subtitle = "Le magazine de l'Association Nationale des Pôles territoriaux et des Pays"

    def items(self):
        return selectors.feed_articles()

    def item_title(self, item):
        return f"{item.title} ({item.issue.label})"

    def item_description(self, item):
        return item.chapeau

    def item_author_name(self, item):
        return item.authors_display or None

    def item_pubdate(self, item):
        return item.issue.published_at

    def item_categories(self, item):
        return [item.rubrique.name]
