"""Portal pages for a person's own data (GDPR art. 15 and 20); under portal:."""

from django.urls import path

from koppel.portal.views import privacy as views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/new/", views.access_request_new, name="access_request_new"),
    path("my-data/<int:pk>/", views.access_request_detail, name="access_request_detail"),
    path("my-data/<int:pk>/download/", views.access_request_download, name="access_request_download"),
]
