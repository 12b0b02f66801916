"""The project's URLs plus public pages the page cache must never store: one that sets a cookie (as a
page with a form sets the CSRF cookie), which would hand one visitor's cookie, or none, to everyone,
and one that says it is private or not to be stored."""

from django.http import HttpResponse
from django.urls import path

from anpp_portal.pagecache import public_page
from anpp_portal.urls import urlpatterns as project_urlpatterns


@public_page("events")
def page_setting_a_cookie(request):
    response = HttpResponse("<p>Bienvenue</p>")
    response.set_cookie("visitor", request.GET.get("v", "a1b2"))
    return response


@public_page("events")
def page_with_cache_control(request, directive):
    response = HttpResponse("<p>Votre espace</p>")
    response["Cache-Control"] = directive
    return response


urlpatterns = [
    path("test/page-with-cookie/", page_setting_a_cookie),
    path("test/cache-control/<str:directive>/", page_with_cache_control),
    *project_urlpatterns,
]
