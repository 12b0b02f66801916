from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
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
    path("", include("members.urls")),
    path("", include("events.urls")),
    path("", include("publications.urls")),
    path("", include("publications.association.urls")),
    path("", include("members.directory_urls")),
    path("", include("billing.urls")),
    path("", include("backoffice.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "anpp_portal.views.bad_request"
handler403 = "members.security_events.permission_denied"  # logs the refusal, then the 403 page
handler404 = "anpp_portal.views.page_not_found"
handler500 = "anpp_portal.views.server_error"
