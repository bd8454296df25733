"""Staff pages for screening; included from koppel/staff/urls.py under the staff: namespace."""

from django.urls import path

from koppel.staff.views import screening as views

urlpatterns = [
    path("mentors/<int:pk>/screening/", views.mentor_screening, name="mentor_screening"),
    path("mentors/<int:pk>/screening/status/", views.mentor_transition, name="mentor_transition"),
    path("mentors/<int:pk>/screening/interviews/new/", views.interview_create, name="interview_create"),
    path("screening/interviews/<int:pk>/", views.interview_edit, name="interview_edit"),
    path("mentors/<int:pk>/screening/references/new/", views.reference_create, name="reference_create"),
    path("screening/references/<int:pk>/", views.reference_edit, name="reference_edit"),
    path("mentors/<int:pk>/screening/vog/new/", views.vog_create, name="vog_create"),
    path("screening/vog/<int:pk>/", views.vog_edit, name="vog_edit"),
    path("mentors/<int:pk>/screening/disclosures/new/", views.disclosure_create, name="disclosure_create"),
    path("screening/disclosures/<int:pk>/review/", views.disclosure_review, name="disclosure_review"),
]
