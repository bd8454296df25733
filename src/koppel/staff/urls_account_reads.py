"""Staff privacy pages; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import account_reads as views_account_reads

urlpatterns: list = [
    path("privacy/account-reads/", views_account_reads.account_reads, name="files_read"),
    path("privacy/account-reads/csv/", views_account_reads.account_reads_csv, name="files_read_csv"),
]
