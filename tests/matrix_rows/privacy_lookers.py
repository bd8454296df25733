"""Role-matrix rows for "who looked at my file", the youth's own confirmation from 16, and the
administrators' "which files did this account read" page."""

from django.urls import reverse
from django.utils import timezone

from koppel.privacy.models import OwnConfirmation
from tests.factories.agreement import AgreementFactory, ConsentFactory
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, Row, expect, url

# Administrators only: coordinators of any programme are refused.
ADMIN_ONLY = expect(anonymous=LOGIN, admin=200, coordinator=403, other_coordinator=403, **NOT_STAFF)
PORTAL_PAGE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=200, guardian=200)
# The youth's file: the guardian (parental authority, child under 16) and the youth (who reads that
# their parent sees it); no mentor.
YOUTH_FILE = expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=404, other_mentor=404, youth=200, guardian=200)
OWN_CONFIRMATION = expect(
    anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=404, other_mentor=404, youth=200, guardian=404
)


def _who_looked_youth(cast) -> str:
    return reverse("portal:who_looked_file", args=["youth", cast.youth_row.pk])


def _own_consent(cast) -> str:
    """A parent's consent flagged for the cast's youth (made once; the walks ask for the URL often)."""
    flagged = OwnConfirmation.objects.filter(youth=cast.youth_row).select_related("consent").first()
    if flagged is not None:
        return reverse("portal:own_consent", args=[flagged.consent.agreement_id])
    # After any version another row made for the cast's match.
    agreement = AgreementFactory(match=cast.match, number=cast.match.agreements.count() + 1)
    consent = ConsentFactory(
        agreement=agreement,
        party="guardian",
        youth=None,
        guardian=cast.guardian_row,
        given_at=timezone.now(),
        typed_name="x",
    )
    OwnConfirmation.objects.create(consent=consent, youth=cast.youth_row, flagged_at=timezone.now())
    return reverse("portal:own_consent", args=[agreement.pk])


def _csv(cast) -> str:
    return reverse("staff:files_read_csv") + f"?account={cast.coordinator.pk}"


ROWS: dict[str, Row] = {
    "portal:who_looked": Row(url("portal:who_looked"), PORTAL_PAGE),
    "portal:who_looked_file": Row(_who_looked_youth, YOUTH_FILE),
    "portal:own_consent": Row(_own_consent, OWN_CONFIRMATION),
    "staff:files_read": Row(url("staff:files_read"), ADMIN_ONLY),
    "staff:files_read_csv": Row(_csv, ADMIN_ONLY),
}
