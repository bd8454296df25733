"""Staff pages for concerns and the resource library (SUP-3); included under the staff: namespace."""

from django.urls import path

from koppel.staff.views import concerns as views

urlpatterns = [
    path("concerns/", views.concern_list, name="concern_list"),
    path("concerns/new/", views.concern_create, name="concern_create"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/take-up/", views.concern_take_up, name="concern_take_up"),
    path("concerns/<int:pk>/close/", views.concern_close, name="concern_close"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
]
