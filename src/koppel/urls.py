from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from koppel import roles
from koppel.common import views as common_views
from koppel.portal import urls as portal_urls

# The Django admin sits behind the same login, throttling and MFA as the rest of the site.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Koppel"

urlpatterns = [
    path("", roles.home, name="home"),
    path("i18n/setlang/", common_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("staff/", include("koppel.staff.urls")),
    path("me/", include("koppel.portal.urls")),
    path("join/", include(portal_urls.public_urls)),
    path("link/", include(portal_urls.link_urls)),
    path("feed/", include(portal_urls.feed_urls)),
    path("", include(portal_urls.statement_urls)),
]
