"""Staff pages for matches (the hub); included from koppel/staff/urls.py under staff:."""

from django.urls import path

from koppel.staff.views import matches as views

urlpatterns = [
    path("matches/", views.match_list, name="match_list"),
    path("matches/<int:pk>/", views.match_detail, name="match_detail"),
    path("matches/<int:pk>/introduce/", views.match_introduce, name="match_introduce"),
    path("matches/<int:pk>/start/", views.match_activate, name="match_activate"),
    path("matches/<int:pk>/pause/", views.match_pause, name="match_pause"),
    path("matches/<int:pk>/resume/", views.match_resume, name="match_resume"),
]
