"""The privacy officer's pages: the register of processing and its downloads (administrators only)."""

from django.urls import path

from koppel.staff.views import privacy as views

urlpatterns = [
    path("privacy/", views.privacy_overview, name="privacy"),
    path("privacy/register.csv", views.register_download, {"format": "csv"}, name="privacy_register_csv"),
    path("privacy/register.pdf", views.register_download, {"format": "pdf"}, name="privacy_register_pdf"),
]
