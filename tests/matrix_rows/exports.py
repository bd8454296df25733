"""Role-matrix rows for the export pages. An export is personal: the cast's coordinator asked for
it, so even the administrator of the organisation gets 404 for it."""

from django.urls import reverse

from koppel.reports.models import ExportJob
from tests.matrix import LOGIN, NOT_STAFF, STAFF_PAGE, Row, expect, url

# Posting without a valid form sends every staff member back (to the exports page) with a message.
STAFF_POST = expect(anonymous=LOGIN, admin=302, coordinator=302, other_coordinator=302, **NOT_STAFF)
OWN_EXPORT = expect(anonymous=LOGIN, admin=404, coordinator=200, other_coordinator=404, **NOT_STAFF)


def _job(cast, **kwargs) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=cast.coordinator,
        organisation=cast.programme.organisation,
        programme=cast.programme,
        report="dashboard",
        format="csv",
        params={"programme_ids": [cast.programme.pk], "start": "2025-01-01", "end": "2025-12-31"},
        **kwargs,
    )


def _detail(cast):
    return reverse("staff:export_detail", args=[_job(cast).pk])


def _download(cast):
    job = _job(
        cast, status="done", progress=100, content=b"a,b\r\n", content_type="text/csv", filename="x.csv"
    )
    return reverse("staff:export_download", args=[job.pk])


ROWS: dict[str, Row] = {
    "staff:export_list": Row(url("staff:export_list"), STAFF_PAGE),
    "staff:export_request": Row(url("staff:export_request"), STAFF_POST, method="post"),
    "staff:export_detail": Row(_detail, OWN_EXPORT),
    "staff:export_download": Row(_download, OWN_EXPORT),
}
