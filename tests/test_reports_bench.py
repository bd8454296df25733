"""Smoke test of the reports benchmark (benchmarks/reports_bench.py) at a tiny size, so the script
cannot rot: the generator builds a consistent programme, and the measuring runs the dashboard and
the outcomes report as domain call and as page. No timing is asserted."""

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from django.db.models import F

from koppel.matches.models import Closure, Match, MeetingLog, SupportContact
from koppel.people.models import Mentor, Youth
from koppel.surveys.domain.baselines import refresh_baselines
from koppel.surveys.models import Assignment, QualityAlert, Score

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "reports_bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("reports_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def built(bench, db):
    builder = bench.Builder(0.0025, today=date(2026, 6, 30), verbose=False)
    builder.build()
    return builder


def test_generator_builds_the_sizes_asked_for(built):
    counts = built.counts
    assert Youth.objects.count() == counts["youth"] == 50
    assert Mentor.objects.count() == counts["mentors"] == 50
    assert Match.objects.count() == counts["matches"] == 38
    assert MeetingLog.objects.count() == counts["meetings"] == 2500
    assert Assignment.objects.filter(status="submitted").count() == counts["surveys"] == 500
    assert Score.objects.count() == counts["scores"] > 500
    assert SupportContact.objects.count() == counts["support_contacts"] > 0


def test_generated_rows_are_consistent(built):
    today = built.today
    # Closed matches have a closure on their end date; every started match has meetings in its span.
    assert Closure.objects.count() == Match.objects.filter(state="closed").count() > 0
    assert not Closure.objects.exclude(ends_on=F("match__ended_on")).exists()
    assert Match.objects.filter(state="active").exists()
    assert not MeetingLog.objects.filter(held_on__lt=F("match__started_on")).exists()
    assert not MeetingLog.objects.filter(held_on__gt=today).exists()
    # Scores copy their assignment's facts; nothing was submitted after `today`.
    assert not Score.objects.exclude(moment=F("assignment__moment")).exists()
    assert not Score.objects.filter(submitted_on__gt=today).exists()
    assert set(Score.objects.values_list("moment", flat=True)) == {
        "baseline",
        "during",
        "closure",
        "follow_up",
    }
    assert set(Score.objects.values_list("respondent", flat=True)) == {"youth", "mentor", "guardian"}
    # OUT-1, OUT-3: the generator pairs each later score with its baseline as Koppel does.
    later = Score.objects.exclude(moment="baseline")
    generated = dict(later.values_list("id", "baseline"))
    assert any(value is not None for value in generated.values())
    refresh_baselines(Youth.objects.values_list("id", flat=True))
    assert dict(later.values_list("id", "baseline")) == generated
    # OUT-4 alerts only for relationship scores below their subscale's threshold.
    for alert in QualityAlert.objects.select_related("score__subscale"):
        assert alert.value < alert.score.subscale.threshold


def test_measure_runs_both_reports_as_call_and_page(bench, built):
    results = bench.measure(today=built.today, runs=1)
    assert [(r["report"], r["kind"]) for r in results] == [
        ("dashboard", "domain"),
        ("dashboard", "page"),
        ("outcomes", "domain"),
        ("outcomes", "page"),
    ]
    assert all("missing" not in r and r["queries"] > 0 for r in results)
