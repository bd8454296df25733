"""A youth's status moves through one table and one audited function, with one notion of "today"."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import transaction

from koppel.common.domain.audit import history_of
from koppel.common.domain.errors import DomainError
from koppel.matches.domain.closure import cancel_match
from koppel.matches.domain.rounds import create_proposed_match
from koppel.people.domain.intake import add_to_waiting_list, withdraw_youth
from koppel.people.domain.youth_status import ALLOWED, move_youth
from koppel.people.enums import YouthStatus
from tests import factories as f
from tests.factories.intake import IntakeFactory

pytestmark = pytest.mark.django_db
S = YouthStatus
SRC = Path(__file__).resolve().parents[2] / "src" / "koppel"


def test_every_status_has_its_row_in_the_table():
    assert set(ALLOWED) == set(S.values)
    assert ALLOWED[S.INTAKE] == {S.WAITING, S.WITHDRAWN}
    assert ALLOWED[S.MATCHED] == {S.WAITING, S.CLOSED}


@pytest.mark.parametrize(
    ("status", "to"),
    [(S.INTAKE, S.MATCHED), (S.INTAKE, S.CLOSED), (S.WAITING, S.CLOSED), (S.CLOSED, S.MATCHED)],
)
def test_a_move_outside_the_table_is_refused(cast, status, to):
    youth = f.YouthFactory(programme=cast.programme, status=status)
    with pytest.raises(DomainError, match="A youth cannot go from"), transaction.atomic():
        move_youth(youth, to, by=cast.coordinator, action="people.youth.test")
    youth.refresh_from_db()
    assert youth.status == status
    assert not history_of(youth).exists()


def test_every_move_is_audited_with_both_statuses_and_bumps_the_version(cast):
    youth = IntakeFactory(youth=f.YouthFactory(programme=cast.programme, status="intake")).youth
    version = youth.version
    add_to_waiting_list(youth, by=cast.coordinator)
    mentor = f.MentorFactory(programme=cast.programme)
    with transaction.atomic():
        match = create_proposed_match(cast.programme, youth, [mentor], by=cast.coordinator)
    cancel_match(match, by=cast.coordinator, reason="other")
    youth.refresh_from_db()
    assert youth.status == S.WAITING
    assert youth.version == version + 3
    moves = [
        (e.action, e.data["from"], e.data["to"])
        for e in history_of(youth).order_by("id")
        if e.data and "from" in e.data
    ]
    assert moves == [
        ("people.youth.added_to_waiting_list", S.INTAKE, S.WAITING),
        ("people.youth.matched", S.WAITING, S.MATCHED),
        ("people.youth.back_on_waiting_list", S.MATCHED, S.WAITING),
    ]
    withdraw_youth(youth, by=cast.coordinator)
    youth.refresh_from_db()
    assert (youth.status, youth.waiting_since) == (S.WITHDRAWN, None)


def test_the_waiting_list_uses_the_programmes_today_not_the_servers(cast, monkeypatch):
    # 23:30 UTC on 14 March is already 15 March in Amsterdam: the youth waits since the 15th.
    late = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late)
    youth = IntakeFactory(youth=f.YouthFactory(programme=cast.programme, status="intake")).youth
    add_to_waiting_list(youth, by=cast.coordinator)
    youth.refresh_from_db()
    assert youth.waiting_since == date(2026, 3, 15)


def test_no_module_but_the_table_sets_a_youths_status():
    # `youth.status = ...`, `{"status": ...}` (for save_versioned) and `.update(status=...)`.
    assignment = re.compile(
        r"""\.status\s*=\s*YouthStatus\.|["']status["']\s*:\s*YouthStatus\.|update\([^)]*status=YouthStatus\."""
    )
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "demo" not in path.parts
        and "migrations" not in path.parts
        and path.name != "youth_status.py"
        and assignment.search(path.read_text())
    ]
    assert offenders == []
