"""Staff pages for the support schedule and contact log of a match (SUP-1, SUP-2)."""

from django.urls import path

from koppel.staff.views import support as views

urlpatterns = [
    path("matches/<int:pk>/support/", views.match_support, name="match_support"),
    path("matches/<int:pk>/support/add/", views.match_support_add, name="match_support_add"),
]
