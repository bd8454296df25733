"""Staff pages for exports run in the background: request, progress, download."""

from django.urls import path

from koppel.staff.views import exports as views

urlpatterns = [
    path("exports/", views.export_list, name="export_list"),
    path("exports/new/", views.export_request, name="export_request"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
