"""Portal pages where a youth, mentor or guardian answers their surveys."""

from django.urls import path

from koppel.portal.views import surveys as views_surveys

urlpatterns = [
    path("surveys/", views_surveys.my_surveys, name="my_surveys"),
    path("surveys/<int:pk>/", views_surveys.survey, name="survey"),
    path("surveys/<int:pk>/save/", views_surveys.survey_save, name="survey_save"),
]
