"""Role-matrix rows for the agreement and consent pages (AGR-1)."""

from urllib.parse import urlsplit

from django.urls import reverse

from koppel.matches.domain.agreement import consent_link
from tests.factories.agreement import written_agreement
from tests.matrix import LOGIN, NO_PORTAL_ROLE, NOT_STAFF, ROLES, STAFF_OBJECT, Row, expect, url

STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)
# cast.match is the mentor's match with the youth (the guardian's child).
PORTAL_MATCH = expect(
    anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=404, youth=200, guardian=200
)
# A personal link works without login, for whoever holds it.
PUBLIC = expect(**dict.fromkeys(ROLES, 200))


def _with_agreement(name):
    def build(cast):
        written_agreement(cast.match)
        return reverse(name, args=[cast.match.pk])

    return build


def _paper_consent(cast):
    consent = written_agreement(cast.match).consents.get(party="youth")
    return reverse("staff:consent_record_paper", args=[consent.pk])


def _consent_link(cast):
    consent = written_agreement(cast.match).consents.get(party="youth")
    return urlsplit(consent_link(consent)).path


ROWS: dict[str, Row] = {
    "staff:match_agreement": Row(_with_agreement("staff:match_agreement"), STAFF_OBJECT),
    "staff:match_agreement_edit": Row(url("staff:match_agreement_edit", "match"), STAFF_OBJECT),
    "staff:match_agreement_send_links": Row(
        _with_agreement("staff:match_agreement_send_links"), STAFF_POST, method="post"
    ),
    "staff:match_agreement_pdf": Row(_with_agreement("staff:match_agreement_pdf"), STAFF_OBJECT),
    "staff:consent_record_paper": Row(_paper_consent, STAFF_OBJECT),
    "portal:agreement": Row(_with_agreement("portal:agreement"), PORTAL_MATCH),
    "links:consent": Row(_consent_link, PUBLIC),
}
