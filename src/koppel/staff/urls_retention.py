"""Staff pages of the retention schedule (administrators only)."""

from django.urls import path

from koppel.staff.views import retention as views

urlpatterns = [
    path("privacy/retention/", views.retention_page, name="privacy_retention"),
    path("privacy/retention/preview/", views.retention_preview, name="privacy_retention_preview"),
    path("privacy/retention/<slug:rule>/items/", views.retention_items, name="privacy_retention_items"),
    path("privacy/retention/<slug:rule>/edit/", views.retention_edit, name="privacy_retention_edit"),
]
