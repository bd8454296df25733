"""Staff pages for a pair by hand (MAT-6) and the pool analysis (MAT-5); included from
koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import matching_pairs as views

urlpatterns = [
    path("programmes/<int:pk>/matching/pair/", views.matching_pair, name="matching_pair"),
    path("programmes/<int:pk>/matching/pool/", views.matching_pool, name="matching_pool"),
]
