from django.urls import include, path

from koppel.staff.views import people as views

app_name = "staff"


def person_urls(kind: str, prefix: str, *, create: bool = True):
    patterns = [
        path(f"{prefix}/", views.person_list, {"kind": kind}, name=f"{kind}_list"),
        path(f"{prefix}/<int:pk>/", views.person_detail, {"kind": kind}, name=f"{kind}_detail"),
        path(f"{prefix}/<int:pk>/edit/", views.person_edit, {"kind": kind}, name=f"{kind}_edit"),
        path(
            f"{prefix}/<int:pk>/history/",
            views.person_history,
            {"kind": kind},
            name=f"{kind}_history",
        ),
        path(
            f"{prefix}/<int:pk>/access-log/",
            views.person_access_log,
            {"kind": kind},
            name=f"{kind}_access_log",
        ),
    ]
    if create:
        patterns.append(path(f"{prefix}/new/", views.person_create, {"kind": kind}, name=f"{kind}_create"))
    return patterns


urlpatterns = [
    path("", views.overview, name="overview"),
    path("caseload/", views.caseload, name="caseload"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/settings/", views.programme_settings, name="programme_settings"),
    path("programmes/<int:pk>/history/", views.programme_history, name="programme_history"),
    *person_urls("mentor", "mentors"),
    *person_urls("youth", "youth"),
    *person_urls("guardian", "guardians", create=False),
    path("youth/<int:youth_pk>/guardians/new/", views.guardian_create, name="guardian_create"),
    path("youth/<int:youth_pk>/guardians/link/", views.guardian_link, name="guardian_link"),
    # One URL module per area, so each grows without touching the others.
    path("", include("koppel.staff.urls_recruitment")),
    path("", include("koppel.staff.urls_screening")),
    path("", include("koppel.staff.urls_training")),
    path("", include("koppel.staff.urls_intake")),
    path("", include("koppel.staff.urls_worklist")),
    path("", include("koppel.staff.urls_imports")),
    path("", include("koppel.staff.urls_matching")),
    path("", include("koppel.staff.urls_matching_weights")),
    path("", include("koppel.staff.urls_matching_pairs")),
    path("", include("koppel.staff.urls_matches")),
    path("", include("koppel.staff.urls_agreement")),
    path("", include("koppel.staff.urls_meetings")),
    path("", include("koppel.staff.urls_support")),
    path("", include("koppel.staff.urls_concerns")),
    path("", include("koppel.staff.urls_closure")),
    path("", include("koppel.staff.urls_reminders")),
    path("", include("koppel.staff.urls_retention")),
    path("", include("koppel.staff.urls_instruments")),
    path("", include("koppel.staff.urls_surveys")),
    path("", include("koppel.staff.urls_reports")),
    path("", include("koppel.staff.urls_outcomes")),
    path("", include("koppel.staff.urls_exports")),
    path("", include("koppel.staff.urls_privacy_access")),
    path("", include("koppel.staff.urls_account_reads")),
    path("", include("koppel.staff.urls_privacy")),
    path("", include("koppel.staff.urls_erasure")),
]
