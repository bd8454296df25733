from django.urls import include, path

from koppel.portal.views import home as views
from koppel.portal.views import matches as views_matches
from koppel.portal.views import mentor as views_mentor
from koppel.portal.views import natural as views_natural

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("youth/<int:pk>/", views.youth_detail, name="youth_detail"),
    path("propose-mentor/", views_natural.propose_mentor, name="propose_mentor"),
    path("matches/<int:pk>/", views_matches.match_detail, name="match_detail"),
    path("training/", views_mentor.training, name="training"),
    path("support/", views_mentor.support_contacts, name="support_contacts"),
    # One URL module per area, so each grows without touching the others.
    path("", include("koppel.portal.urls_agreement")),
    path("", include("koppel.portal.urls_meetings")),
    path("", include("koppel.portal.urls_support")),
    path("", include("koppel.portal.urls_calendar")),
    path("", include("koppel.portal.urls_surveys")),
    path("", include("koppel.portal.urls_privacy")),
    path("", include("koppel.portal.urls_own_file")),
]
