"""Two workers take up one match round at the same moment on PostgreSQL: one claims and runs it, the
other leaves it alone, and the proposals are stored once. Each thread has its own connection."""

import threading

import pytest
from django.db import connection, connections

from koppel.matches.domain import rounds
from koppel.matches.enums import RoundStatus
from koppel.matches.models import MatchRound, RoundProposal
from tests.factories import ProgrammeFactory
from tests.factories.matching import TrainedMentorFactory, WaitingYouthFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_a_round_once():
    programme = ProgrammeFactory()
    for _ in range(3):
        WaitingYouthFactory(programme=programme)
        TrainedMentorFactory(programme=programme)
    match_round = MatchRound.objects.create(programme=programme)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(run: str) -> None:
        try:
            start.wait(timeout=10)
            rounds.run_round(match_round.pk, run=run)
        except BaseException as e:  # report in the main thread
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f"worker-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    match_round.refresh_from_db()
    assert match_round.status == RoundStatus.DONE
    assert match_round.attempts == 1
    assert match_round.claimed_by in {"worker-0", "worker-1"}
    assert RoundProposal.objects.filter(round=match_round).count() == 3
