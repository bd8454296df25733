"""Staff pages for worklist; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import worklist as views_worklist

urlpatterns: list = [
    path("worklist/", views_worklist.worklist, name="worklist"),
    path("worklist/<slug:key>/", views_worklist.worklist_section, name="worklist_section"),
]
