"""The outcomes report page (staff:outcomes): filters, charts with their tables, suppression, and a
coordinator seeing only their own programmes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.matches.enums import MatchState
from koppel.matches.models import Match
from koppel.programmes.models import ProgrammeSettings
from koppel.reports.domain.tables import SUPPRESSED
from koppel.surveys.enums import InstrumentKind, Moment, OutcomeDomain
from tests import factories as f
from tests.factories.survey import InstrumentFactory, SubscaleFactory, submitted_score

URL = reverse("staff:outcomes")


@pytest.fixture
def school(db):
    instrument = InstrumentFactory(kind=InstrumentKind.OUTCOMES, respondents=["youth"])
    return SubscaleFactory(instrument=instrument, key="school", domain=OutcomeDomain.SCHOOL)


def pairs(programme, subscale, count, *, baseline=2.0, later=3.0):
    """`count` youth with a closed match and a baseline and closure score (closure a week ago)."""
    today = timezone.localdate()
    for _ in range(count):
        youth = f.YouthFactory(programme=programme)
        match = f.MatchFactory(
            youth=youth,
            state=MatchState.CLOSED,
            started_on=today - timedelta(days=400),
            ended_on=today - timedelta(days=10),
        )
        submitted_score(
            youth, subscale, moment=Moment.BASELINE, value=baseline, submitted_on=today - timedelta(days=410)
        )
        submitted_score(
            youth,
            subscale,
            moment=Moment.CLOSURE,
            match=match,
            value=later,
            submitted_on=today - timedelta(days=7),
        )


def school_at_closure(report):
    return next(r for r in report.changes if r.moment == "closure" and r.domain == "school")


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_the_page_shows_change_split_relationship_and_survival(cast, client_for, school):
    pairs(cast.programme, school, 5)

    response = client_for(english(cast.coordinator)).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Change per outcome domain" in html
    assert 'id="table-change_closure"' in html
    assert 'id="table-change_by_length_closure"' in html
    assert 'id="table-relationship"' in html
    assert 'id="table-survival"' in html
    assert "chart-change" in html
    assert "fewer than 5" in html  # the privacy note and suppressed cells
    closure = school_at_closure(response.context["report"])
    assert (closure.total.n, closure.total.change) == (5, 1.0)


def test_the_survival_curve_needs_at_least_the_minimum_of_matches(cast, client_for):
    client = client_for(english(cast.coordinator))
    # The cast has one match: fewer than 5.
    response = client.get(URL)
    assert "the survival curve is not shown" in response.content.decode()
    assert response.context["survival_chart"] is None

    for _ in range(5):
        f.MatchFactory(
            youth=f.YouthFactory(programme=cast.programme),
            started_on=timezone.localdate() - timedelta(days=100),
        )
    response = client.get(URL)
    assert response.context["survival_chart"] is not None
    assert "chart-step" in response.content.decode()


def test_no_curve_before_any_match_has_run_a_whole_month(cast, client_for):
    # Enough matches for the curve, but all started today: nothing to draw yet, and no error.
    Match.objects.filter(programme=cast.programme).update(started_on=timezone.localdate())
    for _ in range(5):
        f.MatchFactory(youth=f.YouthFactory(programme=cast.programme), started_on=timezone.localdate())

    response = client_for(english(cast.coordinator)).get(URL)

    assert response.status_code == 200
    assert response.context["report"].survival.shown
    assert response.context["survival_chart"] is None
    assert "The curve is drawn once at least 5 matches have ended" in response.content.decode()


def test_the_programme_setting_sets_the_smallest_group(cast, client_for, school):
    pairs(cast.programme, school, 5)
    ProgrammeSettings.objects.filter(programme=cast.programme).update(report_min_group=6)

    response = client_for(english(cast.coordinator)).get(URL)

    assert response.context["report"].min_group == 6
    closure = school_at_closure(response.context["report"])
    assert closure.total.n is not None
    assert closure.total.n is SUPPRESSED
    assert "hidden: fewer than 6 youth" in response.content.decode()


def test_a_coordinator_sees_only_their_programmes(cast, client_for, school):
    pairs(cast.other_programme, school, 5)
    client = client_for(cast.coordinator)

    response = client.get(URL)
    assert response.context["report"].report_filter.programme_ids == (cast.programme.pk,)
    closure = school_at_closure(response.context["report"])
    assert closure.total.n == 0

    # Asking for the other programme is an invalid choice: the report falls back to their own.
    response = client.get(URL, {"programme": cast.other_programme.pk})
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert response.context["report"].report_filter.programme_ids == (cast.programme.pk,)


def test_an_administrator_sees_the_organisations_programmes(cast, client_for, school):
    pairs(cast.other_programme, school, 5)

    response = client_for(cast.admin).get(URL, {"programme": cast.other_programme.pk})

    closure = school_at_closure(response.context["report"])
    assert closure.total.n == 5


def test_a_bad_period_re_renders_the_form_with_an_error(cast, client_for):
    response = client_for(english(cast.coordinator)).get(URL, {"start": "2025-06-01", "end": "2025-01-01"})

    assert response.status_code == 200
    assert "The end of the period cannot be before its start." in response.content.decode()
    assert response.context["form"]["start"].value() == "2025-06-01"


def test_the_filter_form_gets_only_the_results_over_htmx(cast, client_for):
    response = client_for(cast.coordinator).get(URL, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert 'id="results"' in html
    assert "<form" not in html.split('id="results"')[0]


def test_not_for_mentors_youth_or_guardians(cast, client_for):
    for user in (cast.mentor, cast.youth, cast.guardian):
        assert client_for(user).get(URL).status_code == 403


def test_the_page_runs_the_same_number_of_queries_with_more_data(cast, client_for, school):
    client = client_for(cast.coordinator)
    pairs(cast.programme, school, 1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    pairs(cast.programme, school, 30)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(one)
