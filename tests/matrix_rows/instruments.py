"""Role-matrix rows for survey instruments and the OUT-4 alert action."""

from django.urls import reverse

from koppel.surveys.domain.instruments import load_instrument
from koppel.surveys.enums import AlertReason
from koppel.surveys.models import QualityAlert
from tests.factories.survey import AssignmentFactory, ScoreFactory, small_instrument
from tests.matrix import LOGIN, NOT_STAFF, STAFF_PAGE, Row, expect, url

# All the cast's staff share one organisation, so its instruments are visible to all of them; only
# its administrators may switch one off (it stops the surveys of every programme).
ADMIN_POST = expect(anonymous=LOGIN, admin=302, coordinator=403, other_coordinator=403, **NOT_STAFF)
STAFF_OBJECT_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=404, **NOT_STAFF)

DEFINITION = """
key = "matrix-instrument"
revision = 1
kind = "relationship"
respondents = ["mentor"]
name = { nl = "Matrix", en = "Matrix" }
licence = { name = "Test licence" }
[scales.yes2]
min = 1
max = 2
options = [{ value = 1, nl = "Nee", en = "No" }, { value = 2, nl = "Ja", en = "Yes" }]
[[subscales]]
key = "trust"
name = { nl = "Vertrouwen", en = "Trust" }
domain = "trust"
[[items]]
key = "trust-1"
subscale = "trust"
scale = "yes2"
text = { nl = "Ik vertrouw de jongere.", en = "I trust the young person." }
"""


def _own_instrument(cast):
    return load_instrument(DEFINITION, organisation=cast.programme.organisation, by=None)


def _instrument_url(name):
    def build(cast) -> str:
        return reverse(name, args=[_own_instrument(cast).pk])

    return build


def _alert(cast) -> str:
    assignment = AssignmentFactory(
        instrument=small_instrument(),
        youth=cast.youth_row,
        match=cast.match,
        respondent="mentor",
        mentor=cast.mentor_row,
        status="submitted",
    )
    score = ScoreFactory(assignment=assignment, value=2.0)
    alert = QualityAlert.objects.create(
        match=cast.match, score=score, reason=AlertReason.BELOW_THRESHOLD, value=2.0, threshold=3.0
    )
    return reverse("staff:quality_alert_handle", args=[alert.pk])


ROWS: dict[str, Row] = {
    "staff:instruments": Row(url("staff:instruments"), STAFF_PAGE),
    "staff:instrument_load": Row(url("staff:instrument_load"), STAFF_PAGE),
    "staff:instrument_detail": Row(_instrument_url("staff:instrument_detail"), STAFF_PAGE),
    "staff:instrument_set_active": Row(
        _instrument_url("staff:instrument_set_active"), ADMIN_POST, method="post"
    ),
    "staff:quality_alert_handle": Row(_alert, STAFF_OBJECT_POST, method="post"),
}
