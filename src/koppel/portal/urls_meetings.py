"""Portal pages for meetings (REL-1, REL-5)."""

from django.urls import path

from koppel.portal.views import meetings as views

urlpatterns = [
    path("matches/<int:pk>/meetings/", views.match_meetings, name="match_meetings"),
    path("matches/<int:pk>/meetings/new/", views.meeting_log, name="meeting_log"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/confirm/", views.meeting_confirm, name="meeting_confirm"),
]
