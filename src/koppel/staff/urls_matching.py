"""Staff pages for match rounds (MAT-1..6); included from koppel/staff/urls.py under staff:."""

from django.urls import path

from koppel.staff.views import matching as views

urlpatterns = [
    path("matching/", views.round_list, name="match_rounds"),
    path("matching/new/", views.round_create, name="match_round_create"),
    path("matching/<int:pk>/", views.round_detail, name="match_round_detail"),
    path("matching/<int:pk>/progress/", views.round_progress, name="match_round_progress"),
    path("matching/<int:pk>/rerun/", views.round_rerun, name="match_round_rerun"),
    path(
        "matching/proposals/<int:pk>/<str:action>/",
        views.proposal_decide,
        name="match_proposal_decide",
    ),
    path(
        "matching/proposals/<int:pk>/mentors/<int:mentor_pk>/<str:kind>/",
        views.pair_rule_set,
        name="match_pair_rule_set",
    ),
    path("matching/pairs/<int:pk>/release/", views.pair_rule_release, name="match_pair_rule_release"),
]
