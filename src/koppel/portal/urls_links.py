"""Pages opened through a personal signed link, without login (AGR-1: consent; surveys)."""

from django.urls import path

from koppel.portal.views import agreement as views_agreement
from koppel.portal.views import surveys as views_surveys

app_name = "links"
urlpatterns = [
    path("consent/<str:token>/", views_agreement.consent_by_link, name="consent"),
    path("survey/<str:token>/", views_surveys.survey_by_link, name="survey"),
    path("survey/<str:token>/save/", views_surveys.survey_save_by_link, name="survey_save"),
]
