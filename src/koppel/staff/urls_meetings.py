"""Staff pages for meetings (REL-1, REL-5) and a programme's holiday periods (REL-4)."""

from django.urls import path

from koppel.staff.views import meetings as views

urlpatterns = [
    path("matches/<int:pk>/meetings/", views.match_meetings, name="match_meetings"),
    path("programmes/<int:pk>/holidays/", views.programme_holidays, name="programme_holidays"),
    path(
        "holidays/<int:pk>/delete/",
        views.programme_holiday_delete,
        name="programme_holiday_delete",
    ),
]
