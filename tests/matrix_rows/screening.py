"""Role-matrix rows of the screening pages: only the programme's staff (SCR: screening details)."""

from django.urls import reverse

from tests.factories.screening import (
    ConductCertificateFactory,
    InterviewFactory,
    ReferenceFactory,
    SelfDisclosureFactory,
)
from tests.matrix import STAFF_OBJECT, Row, url


def _record(name: str, factory):
    def build(cast) -> str:
        return reverse(name, args=[factory(mentor=cast.mentor_row).pk])

    return build


ROWS: dict[str, Row] = {
    "staff:mentor_screening": Row(url("staff:mentor_screening", "mentor_row"), STAFF_OBJECT),
    "staff:mentor_transition": Row(url("staff:mentor_transition", "mentor_row"), STAFF_OBJECT),
    "staff:interview_create": Row(url("staff:interview_create", "mentor_row"), STAFF_OBJECT),
    "staff:interview_edit": Row(_record("staff:interview_edit", InterviewFactory), STAFF_OBJECT),
    "staff:reference_create": Row(url("staff:reference_create", "mentor_row"), STAFF_OBJECT),
    "staff:reference_edit": Row(_record("staff:reference_edit", ReferenceFactory), STAFF_OBJECT),
    "staff:vog_create": Row(url("staff:vog_create", "mentor_row"), STAFF_OBJECT),
    "staff:vog_edit": Row(_record("staff:vog_edit", ConductCertificateFactory), STAFF_OBJECT),
    "staff:disclosure_create": Row(url("staff:disclosure_create", "mentor_row"), STAFF_OBJECT),
    "staff:disclosure_review": Row(_record("staff:disclosure_review", SelfDisclosureFactory), STAFF_OBJECT),
}
