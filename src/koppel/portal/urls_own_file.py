"""Portal privacy pages: who looked at my file, and the youth's own confirmation from 16."""

from django.urls import path

from koppel.portal.views import own_file as views

urlpatterns = [
    path("who-looked/", views.who_looked, name="who_looked"),
    path("who-looked/<slug:kind>/<int:pk>/", views.who_looked_file, name="who_looked_file"),
    path("own-consent/<int:pk>/", views.own_consent, name="own_consent"),
]
