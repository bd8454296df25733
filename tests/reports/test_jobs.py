"""Exports in the background: requesting, the job's states, progress, the scores export, clean-up."""

import csv
import io
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from koppel.common.domain import jobs as common_jobs
from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.reports.domain import jobs
from koppel.reports.domain.exports import SHEET_NAME_MAX, sheet_names
from koppel.reports.domain.jobs import (
    delete_old_exports,
    months_between,
    release_stale_exports,
    request_export,
    run_export,
    youth_code,
)
from koppel.reports.domain.period import ReportFilter, build_filter
from koppel.reports.domain.suppression import table_hidden_text
from koppel.reports.domain.tables import SUPPRESSED, Table
from koppel.reports.models import ExportJob
from koppel.surveys.enums import AssignmentStatus, Moment, Respondent
from tests.factories.survey import AssignmentFactory, ScoreFactory

TODAY = timezone.localdate()


class FakeReport:
    def __init__(self, *tables: Table):
        self._tables = list(tables)

    def tables(self) -> list[Table]:
        return self._tables


DASHBOARD = FakeReport(
    Table(key="key_figures", title="Key figures", columns=["Figure", "Value"], rows=[["Active matches", 12]]),
    Table(
        key="funnel",
        title="Recruitment funnel",
        columns=["Stage", "People"],
        rows=[["Applied", 40], ["Screened", 30], ["Matched", SUPPRESSED]],
    ),
)
OUTCOMES = FakeReport(
    Table(
        key="survival",
        title="Matches still active",
        columns=["Months", "% still active"],
        rows=[[3, 95.0], [6, 90.0], [12, 80.0]],
    )
)


@pytest.fixture
def fake_reports(monkeypatch):
    calls = []

    def dashboard(report_filter, today):
        calls.append("dashboard")
        return DASHBOARD

    def outcomes(report_filter, today):
        calls.append("outcomes")
        return OUTCOMES

    monkeypatch.setattr(jobs, "_build_dashboard", dashboard)
    monkeypatch.setattr(jobs, "_build_outcomes", outcomes)
    return calls


def _filter(cast, *, programmes=None, start=None, end=None):
    from koppel.programmes.models import Programme

    qs = programmes if programmes is not None else Programme.objects.filter(pk=cast.programme.pk)
    return build_filter(qs, start=start or TODAY - timedelta(days=365), end=end or TODAY)


def _request(cast, report="dashboard", fmt="csv", **kwargs):
    return request_export(
        user=cast.coordinator, report=report, format=fmt, report_filter=_filter(cast, **kwargs), language="en"
    )


# --- Requesting ---------------------------------------------------------------------------------------


def test_request_queues_the_job_audits_it_and_runs_it_after_the_commit(
    cast, fake_reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _request(cast)
    assert job.status == "queued"
    assert job.programme == cast.programme
    assert job.organisation == cast.programme.organisation
    assert job.params["programme_ids"] == [cast.programme.pk]
    assert job.params["today"] == timezone.localdate().isoformat()
    entry = ActivityLog.objects.get(action="reports.export.requested")
    assert entry.object_id == job.pk and entry.actor == cast.coordinator
    assert entry.data == {"report": "dashboard", "format": "csv", "programmes": 1}
    assert fake_reports == []
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == "done"
    assert job.progress == 100
    assert job.content_type.startswith("text/csv")
    assert job.filename.startswith("koppel-dashboard-") and job.filename.endswith(".csv")
    assert job.rows == 4
    assert job.finished_at is not None
    text = bytes(job.content).decode("utf-8-sig")
    assert "Key figures" in text and "Active matches" in text
    assert "hidden: fewer than 5 people" in text


@pytest.mark.parametrize(
    ("report", "fmt"),
    [("dashboard", "pdf"), ("outcomes", "pdf"), ("scores", "pdf"), ("programme", "csv"), ("nonsense", "csv")],
)
def test_request_refuses_a_report_in_a_format_it_does_not_come_in(cast, report, fmt):
    with pytest.raises(DomainError):
        _request(cast, report, fmt)
    assert not ExportJob.objects.exists()


def test_request_refuses_an_empty_filter(cast):
    from koppel.programmes.models import Programme

    with pytest.raises(DomainError):
        _request(cast, programmes=Programme.objects.none())


def test_a_job_over_two_programmes_has_no_single_programme(cast, fake_reports):
    from koppel.programmes.models import Programme

    job = _request(
        cast, programmes=Programme.objects.filter(pk__in=[cast.programme.pk, cast.other_programme.pk])
    )
    assert job.programme is None
    assert job.organisation == cast.programme.organisation


# --- Running --------------------------------------------------------------------------------------------


def test_a_done_job_is_not_run_again(cast, fake_reports):
    job = _request(cast, "outcomes", "xlsx")
    assert run_export(job.pk).status == "done"
    first = bytes(ExportJob.objects.get(pk=job.pk).content)
    assert fake_reports == ["outcomes"]
    again = run_export(job.pk)
    assert again.status == "done"
    assert bytes(again.content) == first
    assert fake_reports == ["outcomes"]


def test_a_running_job_is_not_claimed_twice(cast, fake_reports):
    job = _request(cast)
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=40)
    assert run_export(job.pk).status == "running"
    assert fake_reports == []


def test_a_failing_report_marks_the_job_failed_with_a_short_error(cast, monkeypatch):
    def broken(report_filter, today):
        raise RuntimeError(f"cannot read {cast.youth_row.last_name}")

    monkeypatch.setattr(jobs, "_build_dashboard", broken)
    job = run_export(_request(cast).pk)
    assert job.status == "failed"
    assert job.error == jobs.FAILED_ERROR
    assert cast.youth_row.last_name not in job.error
    assert job.content is None
    assert job.finished_at is not None
    # A failed job stays failed: it is not picked up again.
    assert run_export(job.pk).status == "failed"


# --- A worker that stopped (koppel.common.domain.jobs) -------------------------------------------------


def _stopped_export(cast, *, quiet_minutes, attempts=1):
    """An export a worker took up and then stopped writing to `quiet_minutes` ago."""
    job = _request(cast)
    since = timezone.now() - timedelta(minutes=quiet_minutes)
    ExportJob.objects.filter(pk=job.pk).update(
        status="running",
        progress=35,
        claimed_by="gone-host:4242:deadbeef",
        heartbeat_at=since,
        attempts=attempts,
    )
    return job


def test_an_export_whose_worker_stopped_is_queued_again_and_prepared(
    cast, fake_reports, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    job = _stopped_export(cast, quiet_minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--no-propose", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done"
    assert job.attempts == 2
    assert job.content
    entry = ActivityLog.objects.get(action="reports.export.worker_lost")
    assert entry.object_id == job.pk and entry.data == {"attempts": 1, "outcome": "queued"}


def test_an_export_quiet_for_less_than_the_threshold_is_left_alone(cast, fake_reports):
    job = _stopped_export(cast, quiet_minutes=1)
    assert release_stale_exports().requeued == []
    job.refresh_from_db()
    assert job.status == "running"
    assert fake_reports == []


def test_an_export_whose_worker_stops_every_time_fails_with_a_clear_message(cast, fake_reports):
    from koppel.common.domain.jobs import MAX_ATTEMPTS

    job = _stopped_export(cast, quiet_minutes=5, attempts=MAX_ATTEMPTS)
    released = release_stale_exports()
    assert released.failed == [(job.pk, MAX_ATTEMPTS)]
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == jobs.WORKER_LOST_ERROR
    assert job.finished_at is not None
    assert fake_reports == []


def test_a_slow_export_run_whose_job_was_queued_again_stores_nothing(cast, monkeypatch):
    def slow_dashboard(report_filter, today):
        release_stale_exports(now=timezone.now() + timedelta(minutes=10))
        return DASHBOARD

    monkeypatch.setattr(jobs, "_build_dashboard", slow_dashboard)
    job = run_export(_request(cast).pk, run="slow")
    assert job.status == "queued"
    assert job.content is None
    monkeypatch.setattr(jobs, "_build_dashboard", lambda report_filter, today: DASHBOARD)
    job = run_export(job.pk, run="next")
    assert (job.status, job.claimed_by, job.attempts) == ("done", "next", 2)


def test_programme_report_as_xlsx_holds_both_reports(cast, fake_reports):
    job = run_export(_request(cast, "programme", "xlsx").pk)
    assert job.status == "done"
    book = openpyxl.load_workbook(io.BytesIO(bytes(job.content)))
    assert book.sheetnames == ["Key figures", "Recruitment funnel", "Matches still active"]
    assert book["Recruitment funnel"]["B5"].value == "hidden: fewer than 5 people"
    assert fake_reports == ["dashboard", "outcomes"]


def test_programme_report_as_pdf(cast, fake_reports):
    job = run_export(_request(cast, "programme", "pdf").pk)
    assert job.status == "done"
    assert job.content_type == "application/pdf"
    content = bytes(job.content)
    assert content.startswith(b"%PDF")
    assert b"Maatjes Zuid" in content
    assert job.filename.endswith(".pdf")


def test_progress_is_written_as_the_job_goes_and_reaches_100(cast, monkeypatch):
    seen = []
    real = common_jobs.PercentProgress.__call__

    def spy(self, percent):
        real(self, percent)
        seen.append(ExportJob.objects.get(pk=self.beat.pk).progress)

    monkeypatch.setattr(common_jobs.PercentProgress, "__call__", spy)
    monkeypatch.setattr(jobs, "CHUNK_SIZE", 2)
    _scores(cast, 5)
    job = run_export(_request(cast, "scores", "csv").pk)
    assert job.progress == 100
    assert seen == sorted(seen)
    assert len(seen) >= 3
    assert 0 < seen[0] < 100


# --- The scores export ----------------------------------------------------------------------------------


def _scores(cast, n, *, youth=None, submitted_on=TODAY):
    youth = youth or cast.youth_row
    made = []
    for i in range(n):
        assignment = AssignmentFactory(
            youth=youth,
            match=cast.match if youth == cast.youth_row else None,
            respondent=Respondent.YOUTH,
            moment=Moment.DURING,
            months=3 * (i + 1),
            status=AssignmentStatus.SUBMITTED,
        )
        made.append(ScoreFactory(assignment=assignment, value=2.5 + i, submitted_on=submitted_on))
    return made


def _csv_rows(job) -> list[list[str]]:
    return list(csv.reader(io.StringIO(bytes(job.content).decode("utf-8-sig"))))


def test_scores_export_has_one_pseudonymous_row_per_score_and_no_names(cast):
    _scores(cast, 3)
    _scores(cast, 1, submitted_on=TODAY - timedelta(days=800))  # before the period
    _scores(cast, 1, youth=cast.other_youth_row)  # another programme
    job = run_export(_request(cast, "scores", "csv").pk)
    assert job.status == "done"
    assert job.rows == 3
    rows = _csv_rows(job)
    assert rows[0] == ["Survey scores"]
    assert rows[1][:2] == ["Programme", "Youth (pseudonym)"]
    data = rows[2:]
    assert len(data) == 3
    code = youth_code(cast.youth_row.pk)
    for row in data:
        assert row[0] == "Maatjes Zuid"
        assert row[1] == code
        assert row[2:4] == ["youth", "during"]
        assert row[5] == "trust"
    assert sorted(float(r[7]) for r in data) == [2.5, 3.5, 4.5]
    # The match started 400 days ago and still runs: 13 whole months.
    assert {r[9] for r in data} == {str(months_between(cast.match.started_on, TODAY))} == {"13"}
    text = bytes(job.content).decode("utf-8-sig")
    for person in (cast.youth_row, cast.mentor_row, cast.guardian_row):
        assert person.first_name not in text
        assert person.last_name not in text
    assert str(cast.youth_row.pk) not in [r[1] for r in data]


def test_scores_export_as_xlsx_has_dates_and_numbers(cast):
    _scores(cast, 2)
    job = run_export(_request(cast, "scores", "xlsx").pk)
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(job.content))).worksheets[0]
    row = [c.value for c in sheet[3]]
    assert row[1].startswith("J-")
    assert isinstance(row[7], float)
    assert row[8].date() == TODAY


def test_youth_code_is_stable_keyed_and_not_the_id():
    assert youth_code(7) == youth_code(7)
    assert youth_code(7) != youth_code(8)
    assert youth_code(7).startswith("J-") and youth_code(7)[2:] != "7"
    assert len(youth_code(7)) == 12


def test_months_between():
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 0
    assert months_between(date(2024, 1, 15), date(2024, 2, 15)) == 1
    assert months_between(date(2024, 1, 15), date(2025, 1, 14)) == 11
    assert months_between(date(2024, 5, 1), date(2024, 1, 1)) == 0


def test_scores_export_of_a_coordinators_caseload(cast):
    _scores(cast, 2)
    report_filter = build_filter(
        cast.programme.__class__.objects.filter(pk=cast.programme.pk),
        start=TODAY - timedelta(days=30),
        end=TODAY,
        coordinator_id=cast.other_coordinator.pk,
    )
    job = request_export(
        user=cast.coordinator, report="scores", format="csv", report_filter=report_filter, language="en"
    )
    assert run_export(job.pk).rows == 0


# --- Clean-up --------------------------------------------------------------------------------------------


def test_old_exports_are_deleted(cast, fake_reports):
    old, new = _request(cast), _request(cast)
    now = timezone.now()
    ExportJob.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=ExportJob.KEEP_DAYS, hours=1))
    ExportJob.objects.filter(pk=new.pk).update(created_at=now - timedelta(days=ExportJob.KEEP_DAYS - 1))
    assert delete_old_exports(now=now) == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_periodic_command_removes_old_exports(cast, fake_reports):
    from django.core.management import call_command

    old, new = _request(cast), _request(cast)
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=ExportJob.KEEP_DAYS, hours=1)
    )
    call_command("send_reminders", "--inline", verbosity=0)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [new.pk]


# --- With the real reports ------------------------------------------------------------------------------


def _report_tables(report: str, job) -> list[Table]:
    """The tables of `report` built directly, over the job's filter and day, in the job's language."""
    from koppel.reports.domain.dashboard import build_dashboard
    from koppel.reports.domain.outcomes import build_outcomes

    report_filter = ReportFilter.from_params(job.params)
    today = date.fromisoformat(job.params["today"])
    with translation.override(job.language):
        dashboard = build_dashboard(report_filter, today=today).tables()
        outcomes = build_outcomes(report_filter, today=today).tables()
    return {"dashboard": dashboard, "outcomes": outcomes, "programme": [*dashboard, *outcomes]}[report]


def _as_read_back(value, min_group, table, row):
    """What openpyxl reads back for a table cell the XLSX writer wrote."""
    if value is SUPPRESSED:
        return table_hidden_text(table, row, min_group=min_group)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


@pytest.mark.parametrize("report", ["dashboard", "outcomes", "programme"])
def test_real_report_exports_to_xlsx_one_sheet_per_table(cast, report):
    _scores(cast, 2)
    job = run_export(_request(cast, report, "xlsx").pk)
    assert job.status == "done", job.error
    assert job.filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(bytes(job.content)))
    tables = _report_tables(report, job)
    # Every report has several tables; the programme's are the dashboard's, then the outcome report's.
    assert len(tables) > 1
    # One sheet per table, in the report's order, named by `sheet_names` (Excel's 31 characters,
    # no forbidden characters, unique even where long titles share their first 31 characters).
    assert book.sheetnames == sheet_names([t.title for t in tables])
    assert all(len(name) <= SHEET_NAME_MAX for name in book.sheetnames)
    assert len({name.lower() for name in book.sheetnames}) == len(tables)
    if report != "outcomes":
        assert book.sheetnames[0] == "Matches and waiting list"
    if report != "dashboard":
        assert "Baseline to closure" in book.sheetnames
    min_group = ReportFilter.from_params(job.params).min_group
    for sheet, table in zip(book.worksheets, tables, strict=True):
        lines = [list(row) for row in sheet.iter_rows(values_only=True)]
        width = len(table.columns)
        # The full title (not the cut sheet name) first, then the note, the headings, the rows.
        head = [table.title, *([table.note] if table.note else [])]
        assert [line[0] for line in lines[: len(head)]] == head, sheet.title
        assert lines[len(head)][:width] == table.columns, sheet.title
        body = [line[:width] for line in lines[len(head) + 1 :]]
        assert body == [
            [_as_read_back(v, min_group, table, i) for v in row] for i, row in enumerate(table.rows)
        ], sheet.title
    assert job.rows == sum(len(t.rows) for t in tables)
    if report != "outcomes":
        overview = {line[0]: line[1] for line in book.worksheets[0].iter_rows(values_only=True)}
        assert overview["Active matches at the end of the period"] == 1  # the cast's match


def test_downloading_the_scores_export_is_in_the_access_log(client, cast):
    from koppel.common.models import AccessLog

    job = _request(cast, report="scores", fmt="csv")
    run_export(job.pk)
    client.force_login(cast.coordinator)
    assert client.get(reverse("staff:export_download", args=[job.pk])).status_code == 200
    assert (
        AccessLog.objects.filter(object_id=job.pk, page="export_scores", viewer=cast.coordinator).count() == 1
    )
