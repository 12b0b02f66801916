from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin login goes through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("comptes/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Public media (covers, logos) in every mode; private documents are never under MEDIA_URL.
    path("media/<path:path>", views.public_media, name="public_media"),
    path("", include("members.urls")),
    path("", include("events.urls")),
    path("", include("publications.urls")),
    path("", include("publications.association.urls")),
    path("", include("members.directory_urls")),
    path("", include("billing.urls")),
    path("", include("backoffice.urls")),
    path("", include("resources.urls")),
    path("", include("legal.urls")),
]

handler400 = "anpp_portal.views.bad_request"
handler403 = "members.security_events.permission_denied"  # logs the refusal, then the 403 page
handler404 = "anpp_portal.views.page_not_found"
handler500 = "anpp_portal.views.server_error"
