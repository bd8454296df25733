"""Pages opened through a personal signed link, without login (AGR-1: consent)."""

from django.urls import path

from koppel.portal import views_agreement

app_name = "links"
urlpatterns = [
    path("consent/<str:token>/", views_agreement.consent_by_link, name="consent"),
]
