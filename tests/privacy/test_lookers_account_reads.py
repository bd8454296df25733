"""Which files did this account read between T1 and T2: administrators only, a listing with counts
and first/last time, its CSV, the look-up itself audited, a constant number of queries."""

import csv
import io
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.accounts.models import User
from koppel.common.domain.audit import log_access, log_action
from koppel.common.models import AccessLog, ActivityLog
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("staff:files_read")
CSV_URL = reverse("staff:files_read_csv")
FORMAT = "%Y-%m-%dT%H:%M"


@contextmanager
def at(moment):
    """Log rows written inside are stamped `moment` (their timestamp is auto_now_add)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _window(start, end) -> dict:
    return {
        "start": timezone.localtime(start).strftime(FORMAT),
        "end": timezone.localtime(end).strftime(FORMAT),
    }


@pytest.fixture
def reads(cast):
    """The coordinator's reads: the youth three times and a change to the mentor inside the window,
    the other mentor only before it, and a youth of another organisation inside it."""
    User.objects.filter(pk=cast.admin.pk).update(language="en")
    now = timezone.now()
    for hours in (30, 20, 10):
        with at(now - timedelta(hours=hours)):
            log_access(cast.youth_row, by=cast.coordinator, page="staff:youth_detail")
    with at(now - timedelta(hours=5)):
        log_action(cast.mentor_row, "people.mentor.changed", by=cast.coordinator, fields=["phone"])
        log_access(cast.match, by=cast.coordinator, page="staff:match_detail")
    with at(now - timedelta(hours=80)):
        log_access(cast.other_mentor_row, by=cast.coordinator, page="staff:mentor_detail")
    elsewhere = f.YouthFactory()  # another organisation's
    with at(now - timedelta(hours=2)):
        log_access(elsewhere, by=cast.coordinator, page="staff:youth_detail")
        log_access(cast.youth_row, by=cast.admin, page="staff:youth_detail")  # someone else's read
    return cast, now, elsewhere


def test_the_last_72_hours_by_default(reads, client_for):
    cast, now, elsewhere = reads
    response = client_for(cast.admin).get(URL, {"account": cast.coordinator.pk})
    assert response.status_code == 200
    files = {(r.kind, r.obj.pk): r for r in response.context["reads"].files}
    assert set(files) == {
        ("youth", cast.youth_row.pk),
        ("mentor", cast.mentor_row.pk),
        ("match", cast.match.pk),
    }
    youth = files[("youth", cast.youth_row.pk)]
    assert (youth.views, youth.changes) == (3, 0)
    assert abs(youth.first - (now - timedelta(hours=30))) < timedelta(seconds=1)
    assert abs(youth.last - (now - timedelta(hours=10))) < timedelta(seconds=1)
    mentor = files[("mentor", cast.mentor_row.pk)]
    assert (mentor.views, mentor.changes) == (0, 1)
    assert response.context["reads"].elsewhere == 1
    page = response.text
    assert cast.youth_row.full_name in page and cast.mentor_row.full_name in page
    assert cast.other_mentor_row.full_name not in page  # read before the window
    assert elsewhere.full_name not in page  # another organisation's: counted, not named
    assert "72 hours" in page


def test_a_chosen_window(reads, client_for):
    cast, now, _elsewhere = reads
    window = _window(now - timedelta(hours=100), now - timedelta(hours=15))
    response = client_for(cast.admin).get(URL, {"account": cast.coordinator.pk, **window})
    files = {(r.kind, r.obj.pk): r for r in response.context["reads"].files}
    assert set(files) == {("youth", cast.youth_row.pk), ("mentor", cast.other_mentor_row.pk)}
    assert files[("youth", cast.youth_row.pk)].views == 2
    bad = client_for(cast.admin).get(
        URL, {"account": cast.coordinator.pk, **_window(now, now - timedelta(hours=1))}
    )
    assert bad.context["reads"] is None
    assert "must come after its start" in bad.text


def test_the_look_up_is_audited(reads, client_for):
    cast, _now, _elsewhere = reads
    client_for(cast.admin).get(URL, {"account": cast.coordinator.pk})
    entry = ActivityLog.objects.get(action="privacy.account_reads.viewed")
    assert (entry.actor, entry.object_id, entry.data["files"]) == (cast.admin, cast.coordinator.pk, 3)
    logged = set(
        AccessLog.objects.filter(page="staff:files_read", viewer=cast.admin).values_list(
            "object_id", flat=True
        )
    )
    assert logged == {cast.youth_row.pk, cast.mentor_row.pk}  # the match names its youth


def test_the_csv(reads, client_for):
    cast, _now, _elsewhere = reads
    response = client_for(cast.admin).get(CSV_URL, {"account": cast.coordinator.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["kind", "id", "name", "views", "changes", "first", "last"]
    body = {(r[0], r[1]): r for r in rows[1:]}
    assert body[("youth", str(cast.youth_row.pk))][2:5] == [cast.youth_row.full_name, "3", "0"]
    assert body[("mentor", str(cast.mentor_row.pk))][3:5] == ["0", "1"]
    assert body[("elsewhere", "")][3] == "1"
    assert ActivityLog.objects.filter(action="privacy.account_reads.exported", actor=cast.admin).count() == 1
    assert b'"kind"' in response.content  # every cell quoted


def test_the_csv_neutralises_formulas(cast, client_for):
    cast.youth_row.first_name = "=HYPERLINK(1)"
    cast.youth_row.save(update_fields=["first_name"])
    log_access(cast.youth_row, by=cast.coordinator, page="staff:youth_detail")
    content = client_for(cast.admin).get(CSV_URL, {"account": cast.coordinator.pk}).content.decode()
    assert "'=HYPERLINK(1)" in content


def test_the_csv_without_an_account_is_refused(cast, client_for):
    assert client_for(cast.admin).get(CSV_URL).status_code == 400


def test_finding_the_account_by_e_mail(cast, client_for):
    User.objects.filter(pk=cast.admin.pk).update(language="en")
    client = client_for(cast.admin)
    # "coordinator@example.org" is part of "other-coordinator@example.org" too: the exact one wins.
    one = client.get(URL, {"email": "COORDINATOR@example.org"})
    assert one.context["form"].chosen == cast.coordinator
    assert one.context["reads"] is not None
    partial = client.get(URL, {"email": "other-coord"})
    assert partial.context["form"].chosen == cast.other_coordinator
    several = client.get(URL, {"email": "example.org"})
    assert several.context["form"].chosen is None
    candidates = several.context["form"].candidates
    assert cast.mentor in candidates and cast.guardian in candidates and cast.youth in candidates
    outsider = f.UserFactory(email="outsider@elders.example")
    none = client.get(URL, {"email": "outsider@elders"})
    assert none.context["form"].chosen is None
    assert "No account of your organisation" in none.text
    # Choosing an account of another organisation by its id: refused, nothing listed.
    chosen = client.get(URL, {"account": outsider.pk})
    assert chosen.context["reads"] is None
    assert not ActivityLog.objects.filter(
        action="privacy.account_reads.viewed", object_id=outsider.pk
    ).exists()


def test_coordinators_are_refused(cast, client_for):
    for user in (cast.coordinator, cast.other_coordinator, cast.mentor):
        assert client_for(user).get(URL, {"account": cast.admin.pk}).status_code == 403
        assert client_for(user).get(CSV_URL, {"account": cast.admin.pk}).status_code == 403
    assert not ActivityLog.objects.filter(action__startswith="privacy.account_reads").exists()


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_query_count_at_1_and_50_files(cast, client_for):
    client = client_for(cast.admin)
    params = {"account": cast.coordinator.pk}
    # One file of each kind at first, then 50 files of each kind.
    log_access(cast.youth_row, by=cast.coordinator, page="staff:youth_detail")
    log_access(cast.mentor_row, by=cast.coordinator, page="staff:mentor_detail")
    log_access(cast.guardian_row, by=cast.coordinator, page="staff:guardian_detail")
    log_action(cast.match, "matches.match.changed", by=cast.coordinator)
    one = _queries(client, params)
    for _ in range(49):
        youth = f.YouthFactory(programme=cast.programme)
        log_access(youth, by=cast.coordinator, page="staff:youth_detail")
        log_access(f.MentorFactory(programme=cast.programme), by=cast.coordinator, page="staff:mentor_detail")
        guardian = f.GuardianFactory(organisation=cast.programme.organisation)
        log_access(guardian, by=cast.coordinator, page="staff:guardian_detail")
        log_action(f.MatchFactory(youth=youth), "matches.match.changed", by=cast.coordinator)
    many = _queries(client, params)
    assert one == many
    assert len(client.get(URL, params).context["reads"].files) == 200
