"""Staff pages for training; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import training as views

urlpatterns = [
    path("training/sessions/", views.session_list, name="training_sessions"),
    path("training/sessions/new/", views.session_create, name="training_session_create"),
    path("training/sessions/<int:pk>/", views.session_detail, name="training_session_detail"),
    path("training/sessions/<int:pk>/register/", views.session_register, name="training_session_register"),
    path("training/alerts/", views.training_alerts, name="training_alerts"),
    path("training/peer-groups/", views.peer_group_list, name="peer_groups"),
    path("training/peer-groups/new/", views.peer_group_create, name="peer_group_create"),
    path("training/peer-groups/<int:pk>/", views.peer_group_detail, name="peer_group_detail"),
    path("mentors/<int:pk>/training/", views.mentor_training, name="mentor_training"),
    path(
        "mentors/<int:pk>/training/hours/", views.mentor_training_hours_add, name="mentor_training_hours_add"
    ),
]
