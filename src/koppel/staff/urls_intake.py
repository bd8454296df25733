"""Staff pages for intake; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import intake as views_intake

urlpatterns: list = [
    path("youth/<int:pk>/intake/", views_intake.youth_intake, name="youth_intake"),
    path(
        "youth/<int:pk>/waiting-list/",
        views_intake.youth_add_to_waiting_list,
        name="youth_add_to_waiting_list",
    ),
    path("youth/<int:pk>/withdraw/", views_intake.youth_withdraw, name="youth_withdraw"),
    path("waiting-list/", views_intake.waiting_list_page, name="waiting_list"),
]
