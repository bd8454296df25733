"""The programme dashboard page: filters, figures, charts with their tables, and who sees what."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.reports.domain.tables import SUPPRESSED
from tests.factories import YouthFactory
from tests.factories.closure import active_match
from tests.factories.meeting import MeetingLogFactory

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


def test_coordinator_sees_the_figures_of_their_programme(cast, client_for):
    coordinator = _english(cast.coordinator)
    YouthFactory(programme=cast.programme, waiting_since=timezone.localdate() - timedelta(days=30))
    YouthFactory(programme=cast.other_programme, waiting_since=timezone.localdate() - timedelta(days=30))
    response = client_for(coordinator).get(reverse("staff:dashboard"))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.report_filter.programme_ids == (cast.programme.pk,)
    # The cast's waiting youth row plus the one above; the other programme's youth is not counted.
    assert report.youth_waiting == 2
    assert report.active_matches == 1
    content = response.content.decode()
    assert "Programme dashboard" in content
    # The filter offers only the coordinator's own programme.
    programmes = list(response.context["form"].fields["programme"].queryset)
    assert programmes == [cast.programme]


def test_programme_of_another_coordinator_is_not_a_choice(cast, client_for):
    response = client_for(_english(cast.coordinator)).get(
        reverse("staff:dashboard"), {"programme": cast.other_programme.pk}
    )
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    # The figures fall back to the coordinator's own programmes, never the other one.
    assert response.context["report"].report_filter.programme_ids == (cast.programme.pk,)


def test_admin_filters_one_programme_and_a_period(cast, client_for):
    response = client_for(cast.admin).get(
        reverse("staff:dashboard"),
        {"programme": cast.other_programme.pk, "start": "2026-01-01", "end": "2026-03-31"},
    )
    f = response.context["report"].report_filter
    assert f.programme_ids == (cast.other_programme.pk,)
    assert (f.start, f.end) == (date(2026, 1, 1), date(2026, 3, 31))


def test_a_period_ending_before_it_starts_is_refused(cast, client_for):
    response = client_for(_english(cast.coordinator)).get(
        reverse("staff:dashboard"), {"start": "2026-03-01", "end": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "The end of the period cannot be before its start." in response.content.decode()


def test_every_chart_has_its_numbers_as_a_table(cast, client_for):
    start = timezone.localdate().replace(day=1) - timedelta(days=200)
    for _ in range(3):
        match = active_match(programme=cast.programme, started_on=start)
        MeetingLogFactory(match=match, held_on=start + timedelta(days=40))
    response = client_for(_english(cast.coordinator)).get(reverse("staff:dashboard"))
    content = response.content.decode()
    blocks = response.context["blocks"]
    charted = [table.key for table, chart in blocks if chart]
    assert {"meetings", "support", "training", "waiting"} <= set(charted)
    for key in charted:
        assert f'id="table-{key}"' in content
    assert content.count('role="img"') == len(charted)
    assert "<script" not in content.split("<main", 1)[1]
    assert 'style="' not in content


def test_htmx_request_gets_only_the_results(cast, client_for):
    response = client_for(cast.coordinator).get(reverse("staff:dashboard"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="results"')
    assert "<html" not in content


def test_export_buttons_are_on_the_page(cast, client_for):
    response = client_for(cast.coordinator).get(reverse("staff:dashboard"), {"start": "2026-01-01"})
    content = response.content.decode()
    assert reverse("staff:export_request") in content
    assert 'name="report" value="dashboard"' in content


def test_mentor_gets_no_dashboard(cast, client_for):
    assert client_for(cast.mentor).get(reverse("staff:dashboard")).status_code == 403


def test_page_queries_do_not_grow_with_the_data(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    start = timezone.localdate() - timedelta(days=300)
    for _ in range(15):
        match = active_match(programme=cast.programme, started_on=start)
        MeetingLogFactory(match=match, held_on=start + timedelta(days=100))
        YouthFactory(programme=cast.programme, waiting_since=start)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one) == len(many)


def test_the_surveys_are_on_the_dashboard__OUT_1_OUT_4(cast, client_for):
    from koppel.surveys.models import QualityAlert
    from tests.factories.survey import small_instrument, submitted_score

    today = timezone.localdate()
    trust = small_instrument(name_en="Our match", domain="trust").subscales.get()
    school = small_instrument(name_en="How I am doing", domain="school").subscales.get()
    submitted_score(cast.youth_row, school, moment="baseline", value=3.0, submitted_on=today)
    low = submitted_score(
        cast.youth_row,
        trust,
        moment="during",
        months=6,
        value=2.0,
        submitted_on=today,
        match=cast.match,
        respondent="mentor",
        mentor=cast.mentor_row,
    )
    QualityAlert.objects.create(
        match=cast.match, score=low, reason="below_threshold", value=2.0, threshold=3.0
    )
    response = client_for(_english(cast.coordinator)).get(reverse("staff:dashboard"))
    content = response.content.decode()
    report = response.context["report"]
    assert report.open_alerts == 1
    assert 'id="table-surveys"' in content
    assert 'id="table-relationship_quality"' in content
    assert 'id="table-outcome_baselines"' in content
    assert "How I am doing" in content and "Our match" in content
    assert "open extra-support request after a relationship-quality survey" in content
    assert reverse("staff:worklist") in content
    baselines = {row.domain: row.youth for row in report.baselines}
    assert baselines["School attendance and attitude to school"] == 1  # one youth's baseline: "1"
    # The mentor's single score is a mean about one youth: suppressed below the minimum of 5.
    table = {t.key: t for t, _chart in response.context["blocks"]}["relationship_quality"]
    assert table.rows[0][3] is SUPPRESSED
