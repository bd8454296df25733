"""Staff pages for erasure (GDPR art. 17): the confirmation per person, the list of erasures."""

from django.urls import path

from koppel.staff.views import erasure as views

urlpatterns = [
    path("mentors/<int:pk>/erase/", views.person_erase, {"kind": "mentor"}, name="mentor_erase"),
    path("youth/<int:pk>/erase/", views.person_erase, {"kind": "youth"}, name="youth_erase"),
    path("guardians/<int:pk>/erase/", views.person_erase, {"kind": "guardian"}, name="guardian_erase"),
    path("privacy/erasures/", views.erasure_list, name="erasure_list"),
]
