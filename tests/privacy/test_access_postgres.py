"""Two clicks at once on PostgreSQL: one open access request per person and requester, never two.
Each thread has its own connection; the person's row lock and the partial unique constraint hold."""

import threading

import pytest
from django.db import connection, connections

from koppel.common.domain.errors import DomainError
from koppel.privacy.domain.access import request_access_archive
from koppel.privacy.models import AccessRequest

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one(cast, settings):
    # The worker is not part of this test: the requests stay queued.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    start = threading.Barrier(4)
    made: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            start.wait(timeout=10)
            made.append(request_access_archive(cast.mentor_row, by=cast.mentor, from_portal=True).pk)
        except DomainError as e:
            refused.append(e.message)
        except BaseException as e:  # report in the main thread
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(made) == 1 and len(refused) == 3
    assert AccessRequest.objects.filter(mentor=cast.mentor_row).count() == 1
