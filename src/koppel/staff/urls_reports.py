"""Staff pages for the programme dashboard (the outcomes report has urls_outcomes.py)."""

from django.urls import path

from koppel.staff.views import reports as views

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
]
