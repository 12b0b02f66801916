from django.urls import path

from . import feeds, views

app_name = "resources"

urlpatterns = [
    path("ressources/", views.note_list, name="list"),
    path("ressources/recherche/", views.search, name="search"),
    path("ressources/flux/", feeds.PublicNotesFeed(), name="feed"),
    path("ressources/flux/rss/", feeds.PublicNotesRssFeed(), name="feed_rss"),
    path("ressources/themes-suivis/", views.follow, name="follow"),
    path("ressources/themes-suivis/desinscription/<str:token>/", views.unfollow, name="unfollow"),
    path("ressources/questions-reponses/", views.qa_list, name="qa_list"),
    path("ressources/questions-reponses/<slug:slug>/", views.qa_entry, name="qa_entry"),
    path("ressources/<slug:slug>/", views.note_detail, name="note"),
    path("ressources/<slug:slug>/fichiers/<int:pk>/", views.note_attachment, name="attachment"),
]
