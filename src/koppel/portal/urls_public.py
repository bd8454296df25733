"""Public pages without login (application forms); included from koppel/urls.py under public:."""

from django.urls import path

from koppel.portal.views import public as views

app_name = "public"
urlpatterns = [
    path("<str:token>/", views.apply, name="apply"),
    path("<str:token>/thanks/", views.apply_thanks, name="apply_thanks"),
]
