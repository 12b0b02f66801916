from django.urls import path

from . import feeds, views
from .association import feeds as association_feeds
from .association import views as association_views

app_name = "publications"

urlpatterns = [
    path("publications/", views.archive, name="archive"),
    path("publications/recherche/", views.search, name="search"),
    path("publications/flux/", feeds.LatestArticlesFeed(), name="feed"),
    path("publications/lettre/", views.newsletter_subscribe, name="newsletter_subscribe"),
    path("publications/lettre/confirmer/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"),
    path(
        "publications/lettre/desinscription/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("publications/rubrique/<slug:slug>/", views.rubrique_detail, name="rubrique"),
    path("publications/<int:number>/", views.issue_detail, name="issue"),
    path("publications/<int:number>/pdf/", views.issue_pdf, name="issue_pdf"),
    path("publications/<int:number>/<slug:slug>/", views.article_detail, name="article"),
    # The association beside the magazine: news, partners, the page about the ANPP.
    path("actualites/", association_views.news_list, name="news_list"),
    path("actualites/flux/rss/", association_feeds.news_rss, name="news_feed_rss"),
    path("actualites/flux/atom/", association_feeds.news_atom, name="news_feed_atom"),
    path("actualites/<slug:slug>/", association_views.news_detail, name="news_detail"),
    path("partenaires/", association_views.partners, name="partners"),
    path("anpp/", association_views.association, name="association"),
]
