from django.urls import path

from . import feeds, views

app_name = "publications"

urlpatterns = [
    path("publications/", views.archive, name="archive"),
    path("publications/recherche/", views.search, name="search"),
    path("publications/flux/", feeds.LatestArticlesFeed(), name="feed"),
    path("publications/flux/rss/", feeds.LatestArticlesRssFeed(), name="feed_rss"),
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
]
