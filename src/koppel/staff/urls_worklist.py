"""Staff pages for worklist; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
