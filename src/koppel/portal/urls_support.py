"""Portal pages for concerns, resources (SUP-3) and peer supervision (SUP-4); under portal:."""

from django.urls import path

from koppel.portal.views import support as views

urlpatterns = [
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/new/", views.concern_raise, name="concern_raise"),
    path("resources/", views.resources, name="resources"),
    path("peer-supervision/", views.peer_sessions, name="peer_sessions"),
]
