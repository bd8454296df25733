"""The export pages: request from a report page's buttons, follow progress, download, my exports."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from koppel.common.models import ActivityLog
from koppel.reports.domain import jobs
from koppel.reports.domain.tables import Table
from koppel.reports.models import ExportJob


class FakeReport:
    def tables(self):
        return [Table(key="overview", title="Overview", columns=["Figure", "Value"], rows=[["Active", 3]])]


@pytest.fixture(autouse=True)
def fake_reports(monkeypatch):
    monkeypatch.setattr(jobs, "_build_dashboard", lambda report_filter, today: FakeReport())
    monkeypatch.setattr(jobs, "_build_outcomes", lambda report_filter, today: FakeReport())


@pytest.fixture
def coordinator(cast, client_for):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    return client_for(cast.coordinator)


def _post(client, **data):
    return client.post(reverse("staff:export_request"), data)


def test_request_runs_the_export_and_shows_the_download(
    cast, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            coordinator,
            report="dashboard",
            format="xlsx",
            programme=cast.programme.pk,
            start="2025-01-01",
            end="2025-12-31",
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:export_detail", args=[job.pk])
    assert job.requested_by == cast.coordinator
    assert job.params["programme_ids"] == [cast.programme.pk]
    assert job.params["start"] == "2025-01-01" and job.params["end"] == "2025-12-31"
    assert job.language == "en"
    assert job.status == "done"
    page = coordinator.get(response["Location"])
    assert page.status_code == 200
    assert reverse("staff:export_download", args=[job.pk]) in page.text
    assert "hx-trigger" not in page.text
    # The period in the page's date format; no message that the export is still being made.
    assert "period 01/01/2025 to 31/12/2025" in page.text
    assert not list(page.context["messages"])
    download = coordinator.get(reverse("staff:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="koppel-dashboard-2025-01-01-2025-12-31.xlsx"'
    )
    assert download.content.startswith(b"PK")
    entry = ActivityLog.objects.get(action="reports.export.downloaded")
    assert entry.object_id == job.pk and entry.actor == cast.coordinator


def test_the_filter_covers_only_the_users_programmes(cast, coordinator):
    _post(coordinator, report="outcomes", format="csv")
    assert ExportJob.objects.get().params["programme_ids"] == [cast.programme.pk]


def test_a_posted_programme_the_user_may_not_see_is_refused(cast, coordinator):
    response = _post(coordinator, report="outcomes", format="csv", programme=cast.other_programme.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:export_list")
    assert not ExportJob.objects.exists()
    page = coordinator.get(response["Location"])
    assert "The export could not be started" in page.text


def test_a_bad_pair_or_period_is_refused_and_sent_back(cast, coordinator):
    back = reverse("staff:export_list") + "?programme=1"
    response = _post(coordinator, report="dashboard", format="pdf", next=back)
    assert response["Location"] == back
    response = _post(coordinator, report="dashboard", format="csv", start="2025-05-01", end="2025-01-01")
    assert response.status_code == 302
    response = _post(coordinator, report="dashboard", format="csv", next="https://evil.example/")
    assert not ExportJob.objects.filter(report="dashboard", format="pdf").exists()
    assert ExportJob.objects.count() == 1


def test_the_exports_page_form_posts_one_choice(cast, coordinator):
    response = _post(coordinator, export="scores.csv", start="2025-01-01")
    job = ExportJob.objects.get()
    assert (job.report, job.format) == ("scores", "csv")
    assert response["Location"] == reverse("staff:export_detail", args=[job.pk])


def test_the_job_page_polls_while_waiting(cast, coordinator):
    job = ExportJob.objects.create(
        requested_by=cast.coordinator,
        organisation=cast.programme.organisation,
        report="outcomes",
        format="csv",
        params={"programme_ids": [cast.programme.pk], "start": "2025-01-01", "end": "2025-12-31"},
        status="running",
        progress=42,
    )
    url = reverse("staff:export_detail", args=[job.pk])
    page = coordinator.get(url)
    assert 'hx-trigger="every 1s"' in page.text
    assert '<progress id="export-progress" max="100" value="42">' in page.text
    fragment = coordinator.get(url, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="export-status"')
    assert "<html" not in fragment.text
    assert reverse("staff:export_download", args=[job.pk]) not in fragment.text
    # Not ready: no download yet.
    assert coordinator.get(reverse("staff:export_download", args=[job.pk])).status_code == 404


def test_a_failed_job_shows_its_error(cast, coordinator):
    job = ExportJob.objects.create(
        requested_by=cast.coordinator,
        organisation=cast.programme.organisation,
        report="outcomes",
        format="csv",
        params={"programme_ids": [cast.programme.pk], "start": "2025-01-01", "end": "2025-12-31"},
        status="failed",
        error=jobs.FAILED_ERROR,
    )
    page = coordinator.get(reverse("staff:export_detail", args=[job.pk]))
    assert "The export stopped with an error" in page.text
    assert "hx-trigger" not in page.text


def test_another_users_export_is_404(cast, client_for, coordinator):
    _post(coordinator, report="outcomes", format="csv")
    job = ExportJob.objects.get()
    for user in (cast.admin, cast.other_coordinator):
        client = client_for(user)
        assert client.get(reverse("staff:export_detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("staff:export_download", args=[job.pk])).status_code == 404
        assert (
            reverse("staff:export_detail", args=[job.pk]) not in client.get(reverse("staff:export_list")).text
        )
    assert not ActivityLog.objects.filter(action="reports.export.downloaded").exists()


def test_my_exports_lists_only_mine(cast, client_for, coordinator):
    _post(coordinator, report="outcomes", format="csv")
    _post(coordinator, report="dashboard", format="xlsx")
    links = [reverse("staff:export_detail", args=[job.pk]) for job in ExportJob.objects.all()]
    mine = coordinator.get(reverse("staff:export_list")).text
    assert all(f'href="{link}"' in mine for link in links)
    assert "Outcomes report (CSV)</a>" in mine and "Programme dashboard (Excel)</a>" in mine
    theirs = client_for(cast.admin).get(reverse("staff:export_list")).text
    assert not any(link in theirs for link in links)


def _make_jobs(cast, n):
    ExportJob.objects.bulk_create(
        ExportJob(
            requested_by=cast.coordinator,
            organisation=cast.programme.organisation,
            programme=cast.programme,
            report="scores",
            format="csv",
            params={"programme_ids": [cast.programme.pk], "start": "2025-01-01", "end": "2025-12-31"},
            status="done",
            content=b"x" * 1000,
        )
        for _ in range(n)
    )


def test_my_exports_query_count_does_not_grow(cast, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("staff:export_list")
    _make_jobs(cast, 1)
    coordinator.get(url)
    with CaptureQueriesContext(connection) as one:
        coordinator.get(url)
    _make_jobs(cast, 49)
    with CaptureQueriesContext(connection) as many:
        assert coordinator.get(url).text.count('href="/') > 50
    assert len(many) == len(one)
    # The file contents are not read for the list.
    assert not any('"content"' in q["sql"] for q in many.captured_queries if "reports_exportjob" in q["sql"])


def test_export_buttons_post_the_pages_filter(cast):
    request = RequestFactory().get(
        "/staff/reports/", {"programme": str(cast.programme.pk), "start": "2025-01-01", "end": "2025-06-30"}
    )
    request.user = cast.coordinator
    html = render_to_string("staff/reports/_export_buttons.html", {"report": "outcomes"}, request=request)
    # CSV and Excel of this report, and the programme report as PDF and as Excel.
    assert html.count(f'action="{reverse("staff:export_request")}"') == 4
    assert html.count('hx-include="form.filters"') == 4
    assert 'name="report" value="outcomes"' in html
    assert 'name="report" value="programme"' in html
    assert 'name="format" value="pdf"' in html
    assert f'name="page_programme" value="{cast.programme.pk}"' in html
    assert 'name="page_start" value="2025-01-01"' in html and 'name="page_end" value="2025-06-30"' in html
    assert 'name="page_coordinator" value=""' in html


def test_buttons_without_htmx_use_the_filter_the_page_was_loaded_with(cast, coordinator):
    _post(coordinator, report="outcomes", format="csv", page_start="2025-02-01", page_end="2025-03-31")
    job = ExportJob.objects.get()
    assert (job.params["start"], job.params["end"]) == ("2025-02-01", "2025-03-31")


def test_buttons_with_htmx_use_the_filter_forms_current_fields_and_hx_redirect(cast, coordinator):
    response = coordinator.post(
        reverse("staff:export_request"),
        {
            "report": "outcomes",
            "format": "csv",
            "page_start": "2025-02-01",
            "page_end": "2025-03-31",
            "start": "2024-01-01",
            "end": "2024-12-31",
            "programme": "",
            "coordinator": "",
        },
        headers={"HX-Request": "true"},
    )
    job = ExportJob.objects.get()
    assert (job.params["start"], job.params["end"]) == ("2024-01-01", "2024-12-31")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("staff:export_detail", args=[job.pk])


def test_the_buttons_flow_from_a_report_page_to_a_pdf(cast, coordinator, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            coordinator,
            report="programme",
            format="pdf",
            start=(today - timedelta(days=90)).isoformat(),
            end=today.isoformat(),
            next="/staff/",
        )
    job = ExportJob.objects.get()
    assert job.status == "done"
    download = coordinator.get(reverse("staff:export_download", args=[job.pk]))
    assert download.content.startswith(b"%PDF")
    assert response.status_code == 302


def test_the_django_admin_lists_exports_read_only(cast, client_for, coordinator):
    _post(coordinator, report="outcomes", format="csv")
    job = ExportJob.objects.get()
    admin = client_for(cast.admin)
    assert admin.get(reverse("admin:reports_exportjob_changelist")).status_code == 200
    change = admin.get(reverse("admin:reports_exportjob_change", args=[job.pk]))
    assert change.status_code == 200
    assert admin.get(reverse("admin:reports_exportjob_add")).status_code == 403


def test_the_export_page_says_when_the_worker_went_quiet_and_when_it_gave_up(cast, coordinator):
    from django.utils import timezone

    from koppel.common.domain.jobs import MAX_ATTEMPTS
    from koppel.reports.domain.jobs import release_stale_exports

    job = ExportJob.objects.create(
        requested_by=cast.coordinator,
        organisation=cast.programme.organisation,
        programme=cast.programme,
        report="dashboard",
        format="csv",
        params={"programme_ids": [cast.programme.pk], "start": "2025-01-01", "end": "2025-12-31"},
        language="en",
        status="running",
        claimed_by="gone-host:4242:deadbeef",
        heartbeat_at=timezone.now() - timedelta(minutes=10),
        attempts=MAX_ATTEMPTS,
    )
    url = reverse("staff:export_detail", args=[job.pk])
    assert "has not reported on this export for a few minutes" in coordinator.get(url).text
    release_stale_exports()
    page = coordinator.get(url).text
    assert "The background worker stopped each time it prepared this export" in page
