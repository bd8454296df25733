"""Role-matrix rows for the training pages (TRN-1..5, SUP-4)."""

from django.urls import reverse

from tests.factories.training import PeerGroupFactory, SessionFactory
from tests.matrix import STAFF_OBJECT, STAFF_PAGE, Row, url


def _session(name):
    return lambda cast: reverse(name, args=[SessionFactory(programme=cast.programme).pk])


def _peer_group(cast):
    return reverse("staff:peer_group_detail", args=[PeerGroupFactory(programme=cast.programme).pk])


ROWS: dict[str, Row] = {
    "staff:training_sessions": Row(url("staff:training_sessions"), STAFF_PAGE),
    "staff:training_session_create": Row(url("staff:training_session_create"), STAFF_PAGE),
    "staff:training_session_detail": Row(_session("staff:training_session_detail"), STAFF_OBJECT),
    "staff:training_session_register": Row(_session("staff:training_session_register"), STAFF_OBJECT),
    "staff:training_alerts": Row(url("staff:training_alerts"), STAFF_PAGE),
    "staff:peer_groups": Row(url("staff:peer_groups"), STAFF_PAGE),
    "staff:peer_group_create": Row(url("staff:peer_group_create"), STAFF_PAGE),
    "staff:peer_group_detail": Row(_peer_group, STAFF_OBJECT),
    "staff:mentor_training": Row(url("staff:mentor_training", "mentor_row"), STAFF_OBJECT),
    "staff:mentor_training_hours_add": Row(
        url("staff:mentor_training_hours_add", "mentor_row"), STAFF_OBJECT
    ),
}
