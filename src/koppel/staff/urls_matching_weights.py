"""Staff pages for a programme's matching weights; included from koppel/staff/urls.py under staff:."""

from django.urls import path

from koppel.staff.views import matching_weights as views

urlpatterns = [
    path("programmes/<int:pk>/matching/weights/", views.matching_weights, name="matching_weights"),
    path(
        "programmes/<int:pk>/matching/weights/preview/",
        views.matching_weights_preview,
        name="matching_weights_preview",
    ),
]
