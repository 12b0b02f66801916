"""News, partners and the page about the ANPP: a namespace of their own ("association"), beside the
magazine's ("publications")."""

from django.urls import path

from . import feeds, views

app_name = "association"

urlpatterns = [
    path("actualites/", views.news_list, name="news_list"),
    path("actualites/flux/rss/", feeds.news_rss, name="news_feed_rss"),
    path("actualites/flux/atom/", feeds.news_atom, name="news_feed_atom"),
    path("actualites/<slug:slug>/", views.news_detail, name="news_detail"),
    path("partenaires/", views.partners, name="partners"),
    path("anpp/", views.association, name="association"),
]
