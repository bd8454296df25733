"""The programme overview's match counts: one definition, shared with the dashboard, named on the page
(matches/domain/counts.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.matches.enums import MatchState
from koppel.reports.domain.dashboard import build_dashboard
from koppel.reports.domain.period import ReportFilter
from tests.factories import MatchFactory, YouthFactory

pytestmark = pytest.mark.django_db


def _matches(programme) -> None:
    """Three active (two active, one closing), four in preparation (proposed, introduced, agreed, and
    one agreed to start next week), one closed yesterday."""
    today = timezone.localdate()

    def match(state, **values):
        return MatchFactory(youth=YouthFactory(programme=programme), state=state, **values)

    match(MatchState.ACTIVE)
    match(MatchState.ACTIVE)
    match(MatchState.CLOSING)
    match(MatchState.PROPOSED)
    match(MatchState.INTRODUCED)
    match(MatchState.AGREED)
    match(MatchState.ACTIVE, started_on=today + timedelta(days=7))
    match(MatchState.CLOSED, ended_on=today - timedelta(days=1))


def _row(response, programme):
    return next(p for p in response.context["programmes"] if p.pk == programme.pk)


def test_the_overview_counts_active_matches_as_the_dashboard_does(cast, client_for):
    # "Lopende koppelingen 13" on the overview against 10 active matches on the dashboard: the
    # overview counted every open match, proposals and agreed ones included.
    programme = cast.programme
    cast.match.delete()
    _matches(programme)
    today = timezone.localdate()
    response = client_for(cast.coordinator).get(reverse("staff:overview"))
    row = _row(response, programme)
    dashboard = build_dashboard(
        ReportFilter(
            programme_ids=(programme.pk,), start=today - timedelta(days=365), end=today, min_group=1
        ),
        today=today,
    )
    assert row.n_active_matches == dashboard.active_matches == 3
    assert row.n_preparing_matches == dashboard.matches_in_preparation == 4


def test_the_overview_names_what_it_counts(cast, client_for):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    text = client_for(cast.coordinator).get(reverse("staff:overview")).text
    assert "Active matches" in text and "Matches in preparation" in text
    assert "Open matches" not in text
    assert "Active: started on or before the day and not ended before it" in text
    assert "In preparation: proposed, introduced or agreed, not started yet." in text


def test_the_dashboard_names_what_it_counts(cast, client_for):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    response = client_for(cast.coordinator).get(reverse("staff:dashboard"))
    text = response.text
    assert "active match at the end of the period" in text  # one active match
    assert "in preparation now" in text
    overview = next(t for t, _chart in response.context["blocks"] if t.key == "overview")
    assert overview.note.startswith("Active: started on or before the day and not ended before it")
    assert ["Matches in preparation now", 0] in overview.rows
