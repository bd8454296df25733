"""Background tasks of the reports app (Django's tasks framework; `koppel worker` runs them)."""

from django.tasks import task

from koppel.reports.domain.jobs import run_export


@task
def run_export_job(job_id: int) -> str:
    """Build a queued export; its progress and the file are stored on the job."""
    return run_export(job_id).status
