"""Portal page for the agreement and the user's own consent (AGR-1)."""

from django.urls import path

from koppel.portal.views import agreement as views

urlpatterns = [
    path("matches/<int:pk>/agreement/", views.agreement, name="agreement"),
]
