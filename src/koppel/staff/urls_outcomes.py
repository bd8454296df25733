"""Staff page for the outcomes report (OUT-1..4)."""

from django.urls import path

from koppel.staff.views import outcomes as views

urlpatterns = [
    path("reports/outcomes/", views.outcomes, name="outcomes"),
]
