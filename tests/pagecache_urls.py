"""The project's URLs plus a public page that sets a cookie (as a page with a form sets the CSRF
cookie): the page cache must never store such a page, or it would hand one visitor's cookie, or
none, to everyone."""

from django.http import HttpResponse
from django.urls import path

from anpp_portal.pagecache import public_page
from anpp_portal.urls import urlpatterns as project_urlpatterns


@public_page("events")
def page_setting_a_cookie(request):
    response = HttpResponse("<p>Bienvenue</p>")
    response.set_cookie("visitor", request.GET.get("v", "a1b2"))
    return response


urlpatterns = [path("test/page-with-cookie/", page_setting_a_cookie), *project_urlpatterns]
