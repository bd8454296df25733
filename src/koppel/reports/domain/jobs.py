"""Exports in the background: request one, run it in the worker, clean up.

A staff member asks for a report ("dashboard", "outcomes", "programme", "scores") in a format; the
request stores the report filter (already restricted to the user's programmes) on an `ExportJob` and
queues the task `run_export_job` after the commit. The worker claims the job with one conditional
UPDATE (queued -> running), builds the report, writes its progress as it goes (the worker's
heartbeat, koppel.common.domain.jobs), and stores the file on the job. An export whose worker
stopped is queued again by the periodic command (`release_stale_exports`), or given up after a few
attempts. Only the requester downloads it (`policy.export_jobs_visible_to`); after `KEEP_DAYS`
`delete_old_exports` removes it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from koppel.accounts.models import User
from koppel.common.domain import jobs
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.programmes.models import Programme
from koppel.reports.domain import exports
from koppel.reports.domain.dashboard import build_dashboard
from koppel.reports.domain.outcomes import build_outcomes
from koppel.reports.domain.pdf import programme_pdf
from koppel.reports.domain.period import ReportFilter
from koppel.reports.domain.survival import whole_months
from koppel.reports.domain.tables import Table
from koppel.reports.models import ExportJob
from koppel.reports.models.exports import ExportFormat, ExportStatus
from koppel.surveys.models import Score

if TYPE_CHECKING:
    from koppel.reports.domain.dashboard import DashboardReport
    from koppel.reports.domain.outcomes import OutcomesReport

logger = logging.getLogger(__name__)

# Which formats each report comes in. "programme" is the funder's report: a PDF, or both reports'
# tables in one workbook.
FORMATS: dict[str, tuple[str, ...]] = {
    "dashboard": (ExportFormat.CSV, ExportFormat.XLSX),
    "outcomes": (ExportFormat.CSV, ExportFormat.XLSX),
    "programme": (ExportFormat.PDF, ExportFormat.XLSX),
    "scores": (ExportFormat.CSV, ExportFormat.XLSX),
}
REPORT_LABELS = {
    "dashboard": gettext_noop("Programme dashboard"),
    "outcomes": gettext_noop("Outcomes report"),
    "programme": gettext_noop("Programme report"),
    "scores": gettext_noop("Survey scores (data)"),
}

# The scores export reads this many rows per query and writes its progress after each chunk.
CHUNK_SIZE = 2000
# Stored in English and translated when shown: the worker has no user language. Never personal data.
FAILED_ERROR = gettext_noop(
    "The export stopped with an error; try again, or ask the administrator to look at the log."
)
WORKER_LOST_ERROR = gettext_noop(
    "The background worker stopped each time it prepared this export, so it was given up. Try "
    "again, or ask the administrator to check that the background worker is running."
)


def report_label(report: str) -> str:
    return _(REPORT_LABELS[report]) if report in REPORT_LABELS else report


# --- Requesting ----------------------------------------------------------------------------------------


def request_export(
    *, user: User, report: str, format: str, report_filter: ReportFilter, language: str
) -> ExportJob:
    """Queue an export of `report` in `format` over `report_filter` (which the caller built from the
    user's visible programmes); the task `run_export_job` runs it after the commit.

    Side effects: an activity-log entry "reports.export.requested" on the job (report, format and
    the number of programmes; no filter values).
    """
    if report not in FORMATS:
        raise DomainError(_("There is no such report to export."))
    if format not in FORMATS[report]:
        raise DomainError(
            _("The %(report)s cannot be exported as %(format)s.")
            % {"report": report_label(report), "format": format.upper()}
        )
    programmes = list(Programme.objects.filter(pk__in=report_filter.programme_ids).order_by("pk"))
    if not programmes:
        raise DomainError(_("Choose at least one programme to export."))
    # A cycle: koppel.reports.tasks imports this module (run_export).
    from koppel.reports.tasks import run_export_job

    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user,
            organisation_id=programmes[0].organisation_id,
            programme=programmes[0] if len(programmes) == 1 else None,
            report=report,
            format=format,
            params={**report_filter.params(), "today": timezone.localdate().isoformat()},
            language=language,
        )
        log_action(
            job,
            "reports.export.requested",
            by=user,
            data={"report": report, "format": format, "programmes": len(programmes)},
        )
        transaction.on_commit(partial(run_export_job.enqueue, job.pk))
    return job


# --- Running ----------------------------------------------------------------------------------------------


def _build_dashboard(report_filter: ReportFilter, today: date) -> DashboardReport:
    return build_dashboard(report_filter, today=today)


def _build_outcomes(report_filter: ReportFilter, today: date) -> OutcomesReport:
    return build_outcomes(report_filter, today=today)


def run_export(job_id: int, *, run: str | None = None) -> ExportJob:
    """Run a queued export (the background task calls this). A job that is not queued (running in
    another worker, done, failed) is left alone. Never raises for a failing report: the job becomes
    "failed" with a short error; the details go to the log by job id only. A run whose job was taken
    from it as stale (its worker seemed gone) stops at its next write and stores nothing."""
    run = run or jobs.new_run_id()
    claimed = jobs.claim_job(ExportJob, job_id, run=run, progress=1)
    job = ExportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    beat = jobs.Heartbeat(ExportJob, job.pk, run)
    try:
        with translation.override(job.language):
            content, rows = _run(job, jobs.PercentProgress(beat))
        beat.write(
            status=ExportStatus.DONE,
            progress=100,
            content=content,
            rows=rows,
            filename=export_filename(job),
            content_type=_content_type(job.format),
            finished_at=timezone.now(),
        )
    except jobs.ClaimLost:
        logger.warning("export %s was released from run %s; its file is not stored", job_id, run)
    except Exception:
        logger.exception("export %s failed", job_id)
        # A run that lost its export leaves the failure to the run that holds it now.
        with contextlib.suppress(jobs.ClaimLost):
            beat.write(status=ExportStatus.FAILED, error=FAILED_ERROR, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def release_stale_exports(*, now: datetime | None = None) -> jobs.Released:
    """Exports whose worker stopped: queued again (their task too), or after jobs.MAX_ATTEMPTS failed
    with WORKER_LOST_ERROR (the periodic command calls this). Side effects: an activity-log entry
    "reports.export.worker_lost" on each export it changed; the stopped workers' task rows failed."""
    # A cycle: koppel.reports.tasks imports this module (run_export).
    from koppel.reports.tasks import run_export_job

    return jobs.release_stale_jobs(
        ExportJob,
        task=run_export_job,
        error=WORKER_LOST_ERROR,
        reset={"progress": 0},
        action="reports.export.worker_lost",
        now=now,
    )


CONTENT_TYPES = {
    "csv": exports.CSV_CONTENT_TYPE,
    "xlsx": exports.XLSX_CONTENT_TYPE,
    "pdf": exports.PDF_CONTENT_TYPE,
}


def _content_type(fmt: str) -> str:
    return CONTENT_TYPES[fmt]


def export_filename(job: ExportJob) -> str:
    """koppel-outcomes-2025-01-01-2025-12-31.xlsx: the report and the period, no names."""
    params = job.params
    return f"koppel-{job.report}-{params['start']}-{params['end']}.{job.format}"


def _writer(fmt: str, titles: Sequence[str] = ()) -> exports.CsvWriter | exports.XlsxWriter:
    return exports.XlsxWriter(titles) if fmt == ExportFormat.XLSX else exports.CsvWriter()


def _run(job: ExportJob, progress: Callable[[float], None]) -> tuple[bytes, int]:
    report_filter = ReportFilter.from_params(job.params)
    today = date.fromisoformat(job.params.get("today") or timezone.localdate().isoformat())
    if job.report == "scores":
        return _scores_export(job.format, report_filter, today=today, progress=progress)
    tables: list[Table] = []
    if job.report == "dashboard":
        dashboard = _build_dashboard(report_filter, today)
        progress(60)
        tables = dashboard.tables()
    elif job.report == "outcomes":
        outcomes = _build_outcomes(report_filter, today)
        progress(60)
        tables = outcomes.tables()
    elif job.report == "programme":
        dashboard = _build_dashboard(report_filter, today)
        progress(35)
        outcomes = _build_outcomes(report_filter, today)
        progress(70)
        if job.format == ExportFormat.PDF:
            content = programme_pdf(
                dashboard, outcomes, language=job.language, report_filter=report_filter, today=today
            )
            progress(95)
            return content, 0
        tables = [*dashboard.tables(), *outcomes.tables()]
    else:
        raise ValueError(f"unknown report {job.report!r}")
    writer = _writer(job.format, [t.title for t in tables])
    content = exports.write_tables(writer, tables, min_group=report_filter.min_group)
    progress(95)
    return content, sum(len(t.rows) for t in tables)


# --- The scores export: one row per score, pseudonymous ------------------------------------------------


def youth_code(youth_id: int) -> str:
    """A pseudonym for a youth in data exports: "J-" and a keyed hash of the id (the SECRET_KEY is
    the key), the same in every export, so analysts can follow one youth over moments without a
    name or a database id."""
    digest = salted_hmac("koppel.reports.youth-code", str(youth_id), algorithm="sha256").hexdigest()
    return "J-" + digest[:10].upper()


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when `end` is earlier): the OUT-3 rule of the outcomes
    report (survival.whole_months), so an export and the report put a match in the same class."""
    return max(0, whole_months(start, end))


def scores_queryset(report_filter: ReportFilter) -> QuerySet[Score]:
    """The scores submitted in the period in the filter's programmes (and coordinator's caseload)."""
    scores = Score.objects.filter(
        programme_id__in=report_filter.programme_ids,
        submitted_on__gte=report_filter.start,
        submitted_on__lte=report_filter.end,
    )
    if report_filter.coordinator_id:
        # A coordinator's caseload: the youth on it (people.Youth.coordinator is a user).
        scores = scores.filter(youth__coordinator_id=report_filter.coordinator_id)
    return scores


SCORE_FIELDS = (
    "programme__name",
    "youth_id",
    "respondent",
    "moment",
    "months",
    "domain",
    "subscale__key",
    "value",
    "submitted_on",
    "match__started_on",
    "match__ended_on",
)


def score_columns() -> list[str]:
    return [
        _("Programme"),
        _("Youth (pseudonym)"),
        _("Respondent"),
        _("Moment"),
        _("Months"),
        _("Outcome domain"),
        _("Subscale"),
        _("Score"),
        _("Submitted on"),
        _("Match length (months)"),
    ]


def score_rows(report_filter: ReportFilter, *, today: date) -> Iterator[list]:
    """The rows of the scores export, read from the database in chunks (`.iterator()`), so a
    million scores never sit in memory at once. No names and no answers to single items: codes
    for respondent, moment and domain, the subscale's key, the score."""
    rows = (
        scores_queryset(report_filter)
        .order_by("programme_id", "youth_id", "submitted_on", "pk")
        .values_list(*SCORE_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for (
        programme,
        youth_id,
        respondent,
        moment,
        months,
        domain,
        subscale,
        value,
        submitted_on,
        started,
        ended,
    ) in rows:
        # The match's whole length so far (to its end, or today while it runs): OUT-3 compares
        # outcomes by it.
        length = months_between(started, ended or today) if started else None
        yield [
            programme,
            youth_code(youth_id),
            respondent,
            moment,
            months,
            domain,
            subscale,
            value,
            submitted_on,
            length,
        ]


def _scores_export(
    fmt: str, report_filter: ReportFilter, *, today: date, progress: Callable[[float], None]
) -> tuple[bytes, int]:
    total = scores_queryset(report_filter).count()
    title = _("Survey scores")
    writer = _writer(fmt, [title])
    writer.table(title, score_columns())
    written = 0
    for row in score_rows(report_filter, today=today):
        writer.row(row)
        written += 1
        if written % CHUNK_SIZE == 0:
            progress(5 + 85 * written / max(total, 1))
    progress(92)
    return writer.finish(), written


# --- Cleaning up ------------------------------------------------------------------------------------


def delete_old_exports(*, now: datetime) -> int:
    """Remove exports older than `ExportJob.KEEP_DAYS` (files and all); returns how many. The
    periodic command calls this."""
    deleted, _per_model = ExportJob.objects.filter(
        created_at__lt=now - timedelta(days=ExportJob.KEEP_DAYS)
    ).delete()
    return deleted
