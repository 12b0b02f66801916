"""The public directory of the member territories and its map: a namespace of their own
("directory"), apart from the territory space ("members")."""

from django.urls import path

from . import directory_views

app_name = "directory"

urlpatterns = [
    path("annuaire/", directory_views.directory_list, name="list"),
    # A territory slugged "carte" would have no page of its own here.
    path("annuaire/carte/", directory_views.directory_map, name="map"),
    path("annuaire/<slug:slug>/", directory_views.directory_territory, name="territory"),
]
