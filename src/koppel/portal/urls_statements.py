"""The public privacy statement and accessibility statement, linked from every page's footer; one per
organisation on an install with several. Included from koppel/urls.py under statements:."""

from django.urls import path

from koppel.portal.views import statements as views

app_name = "statements"
urlpatterns = [
    path("privacy/", views.privacy_statement, name="privacy"),
    path("privacy/<slug:slug>/", views.privacy_statement, name="privacy_organisation"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("accessibility/<slug:slug>/", views.accessibility_statement, name="accessibility_organisation"),
]
