"""Staff pages for the agreement and consent (AGR-1, REL-3, REL-4)."""

from django.urls import path

from koppel.staff.views import agreement as views

urlpatterns = [
    path("matches/<int:pk>/agreement/", views.match_agreement, name="match_agreement"),
    path("matches/<int:pk>/agreement/edit/", views.match_agreement_edit, name="match_agreement_edit"),
    path(
        "matches/<int:pk>/agreement/send-links/",
        views.match_agreement_send_links,
        name="match_agreement_send_links",
    ),
    path("matches/<int:pk>/agreement/pdf/", views.match_agreement_pdf, name="match_agreement_pdf"),
    path("consents/<int:pk>/paper/", views.consent_record_paper, name="consent_record_paper"),
]
