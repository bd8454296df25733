"""Background tasks of matching (Django's tasks framework; `koppel worker` runs them)."""

from django.tasks import task

from koppel.matches.domain.rounds import run_round


@task
def run_match_round(round_id: int) -> None:
    """Run a queued match round; progress and the result are stored on the round."""
    run_round(round_id)
