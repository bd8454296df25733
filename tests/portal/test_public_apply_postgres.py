"""The public application form under concurrency on PostgreSQL: each thread has its own database
connection and posts the form at the same moment as the others. CI runs the suite on PostgreSQL too.

One new e-mail address submitted five times at once gives one mentor and four second applications;
forty applications at once from one address pass a limit of five at most five times."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from koppel.common.models import RateLimitWindow
from koppel.people.models import Mentor, RepeatApplication
from koppel.portal.views.public import RATE_LIMIT
from tests import factories as f
from tests.factories.recruitment import CampaignFactory
from tests.portal.test_public_apply import application

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def _post_at_once(url: str, posts: list[tuple[dict, str]]) -> list[int]:
    """POST each (data, client address) from its own thread, all released together; the status codes."""
    start = threading.Barrier(len(posts))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(data: dict, address: str) -> None:
        try:
            client = Client(REMOTE_ADDR=address)
            start.wait(timeout=20)
            statuses.append(client.post(url, data).status_code)
        except BaseException as e:  # report in the main thread
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=item) for item in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return statuses


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_applications_with_one_new_email_make_one_mentor():
    campaign = CampaignFactory(programme=f.ProgrammeFactory())
    url = reverse("public:apply", args=[campaign.token])
    for trial in range(5):
        email = f"together{trial}@example.org"
        # Each from another address, so the rate limit plays no part.
        posts = [
            (application(email=email.upper() if i % 2 else email), f"10.0.{trial}.{i}") for i in range(5)
        ]
        assert _post_at_once(url, posts) == [302] * 5
        mentor = Mentor.objects.get(programme=campaign.programme, email__iexact=email)
        assert RepeatApplication.objects.filter(mentor=mentor).count() == 4
    assert Mentor.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_applications_from_one_address_pass_the_limit_at_most_five_times():
    campaign = CampaignFactory(programme=f.ProgrammeFactory())
    url = reverse("public:apply", args=[campaign.token])
    posts = [(application(email=f"person{i}@example.org"), "10.9.8.7") for i in range(40)]
    statuses = _post_at_once(url, posts)
    assert statuses.count(302) == RATE_LIMIT
    assert statuses.count(429) == 40 - RATE_LIMIT
    assert Mentor.objects.count() == RATE_LIMIT
    window = RateLimitWindow.objects.get()
    assert window.count == RATE_LIMIT
    assert "10.9.8.7" not in window.key
