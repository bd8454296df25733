"""Public pages without login (application forms); included from koppel/urls.py under public:."""

from django.urls import path  # noqa: F401

app_name = "public"
urlpatterns: list = []
