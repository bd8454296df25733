"""Staff pages for survey schedules, surveys sent and their answers (OUT-1, OUT-2, OUT-4)."""

from django.urls import path

from koppel.staff.views import surveys as views

urlpatterns = [
    path(
        "programmes/<int:pk>/survey-schedules/",
        views.programme_survey_schedules,
        name="programme_survey_schedules",
    ),
    path("survey-schedules/<int:pk>/edit/", views.survey_schedule_edit, name="survey_schedule_edit"),
    path(
        "survey-schedules/<int:pk>/deactivate/",
        views.survey_schedule_deactivate,
        name="survey_schedule_deactivate",
    ),
    path("programmes/<int:pk>/surveys/", views.programme_surveys, name="programme_surveys"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/new-link/", views.survey_link_reissue, name="survey_link_reissue"),
    path("youth/<int:pk>/surveys/", views.youth_surveys, name="youth_surveys"),
]
