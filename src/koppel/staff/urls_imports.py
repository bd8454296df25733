"""Staff pages for imports; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import imports as views_imports

urlpatterns = [
    path("people/import/", views_imports.import_people_page, name="import_people"),
    path("people/export/", views_imports.export_people_page, name="export_people"),
]
