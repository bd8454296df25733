"""Staff pages for subject access requests (administrators only)."""

from django.urls import path

from koppel.staff.views import privacy_access as views

urlpatterns = [
    path("privacy/access/", views.access_request_list, name="access_request_list"),
    path("privacy/access/<int:pk>/", views.access_request_detail, name="access_request_detail"),
    path("privacy/access/<int:pk>/download/", views.access_request_download, name="access_request_download"),
    path(
        "mentors/<int:pk>/access-archive/",
        views.access_request_new,
        {"kind": "mentor"},
        name="mentor_access_request",
    ),
    path(
        "youth/<int:pk>/access-archive/",
        views.access_request_new,
        {"kind": "youth"},
        name="youth_access_request",
    ),
    path(
        "guardians/<int:pk>/access-archive/",
        views.access_request_new,
        {"kind": "guardian"},
        name="guardian_access_request",
    ),
]
