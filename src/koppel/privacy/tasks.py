"""Background tasks of the privacy app (Django's tasks framework; `koppel worker` runs them)."""

from django.tasks import task

from koppel.privacy.domain.access import run_access_request


@task
def run_access_request_job(request_id: int) -> str:
    """Build the archive of a queued access request; its progress and the file are stored on it."""
    return run_access_request(request_id).status
