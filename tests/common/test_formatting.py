"""The one place that rounds figures and writes days (koppel.common.formatting) and its template
filters: rounding half away from zero without "-0", the language's decimal sign, and a day's year
shown only when it is not this year."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import timezone, translation

from koppel.common import formatting

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("value", "decimals", "english", "dutch"),
    [
        (2.78, 1, "2.8", "2,8"),  # number_format(2.78, 1) cuts it off to 2,7
        (0.999, 1, "1.0", "1,0"),
        (-0.08, 1, "-0.1", "-0,1"),
        (-0.04, 1, "0.0", "0,0"),  # never "-0,0"
        (2.25, 1, "2.3", "2,3"),  # half away from zero
        (-2.25, 1, "-2.3", "-2,3"),
        (2.675, 2, "2.68", "2,68"),  # the float is 2.67499...; its decimal value is 2.675
        (12.5, 0, "13", "13"),  # round() gives 12
        (-0.4, 0, "0", "0"),
        (Decimal("1.05"), 1, "1.1", "1,1"),
    ],
)
def test_figures_are_rounded_half_away_from_zero_in_the_language(value, decimals, english, dutch):
    with translation.override("en"):
        assert formatting.figure(value, decimals) == english
    with translation.override("nl"):
        assert formatting.figure(value, decimals) == dutch


def test_rounded_is_half_away_from_zero_and_without_negative_zero():
    assert formatting.rounded(0.25, 1) == 0.3
    assert formatting.rounded(-0.25, 1) == -0.3
    assert str(formatting.rounded(-0.04, 1)) == "0.0"


def test_trimmed_figures_drop_trailing_zeros():
    with translation.override("nl"):
        assert formatting.figure(3.0, 2, trim=True) == "3"
        assert formatting.figure(3.25, 2, trim=True) == "3,25"
        assert formatting.figure(300, 2, trim=True) == "300"


def test_quantities_keep_their_decimals_in_the_language():
    with translation.override("nl"):
        assert formatting.decimal_text(Decimal("0.5")) == "0,5"
        assert formatting.decimal_text(Decimal("2.0")) == "2"
        assert formatting.decimal_text("7.5") == "7,5"
        assert formatting.decimal_text("not a number") == "not a number"
        assert formatting.decimal_text(None) == ""
    with translation.override("en"):
        assert formatting.decimal_text(Decimal("1.50")) == "1.5"


# --- Days -----------------------------------------------------------------------------------------


def test_a_day_in_another_year_shows_its_year():
    # "nodig sinds 18 december" for 18-12-2025 when today is 7-12-2026.
    with translation.override("nl"):
        assert formatting.day(date(2025, 12, 18), today=TODAY) == "18 december 2025"
        assert formatting.day(date(2026, 3, 2), today=TODAY) == "2 maart"
        assert formatting.day(date(2027, 1, 4), today=TODAY) == "4 januari 2027"
    with translation.override("en"):
        assert formatting.day(date(2025, 12, 18), today=TODAY) == "18 December 2025"
        assert formatting.day(date(2026, 3, 2), today=TODAY) == "2 March"


def test_a_day_as_an_aware_datetime_is_the_local_day():
    moment = timezone.make_aware(datetime(2026, 3, 2, 23, 30))
    with translation.override("en"):
        assert formatting.day(moment, today=TODAY) == "2 March"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (TODAY, "today"),
        (date(2026, 12, 6), "yesterday"),
        (date(2026, 12, 2), "5 days ago"),
        (date(2026, 11, 16), "3 weeks ago"),
        (date(2026, 8, 1), "4 months ago"),
        (date(2025, 12, 18), "11 months ago"),
        (date(2024, 11, 1), "2 years ago"),
        (date(2026, 12, 8), "tomorrow"),
        (date(2026, 12, 10), "in 3 days"),
        (date(2026, 12, 28), "in 3 weeks"),
    ],
)
def test_how_long_ago(day, text):
    with translation.override("en"):
        assert formatting.ago(day, today=TODAY) == text


def test_a_day_with_how_long_ago():
    with translation.override("en"):
        assert formatting.ago(date(2026, 11, 30), today=TODAY) == "7 days ago"
        assert formatting.day_and_ago(date(2025, 12, 18), today=TODAY) == "18 December 2025 (11 months ago)"
        assert formatting.day_and_ago(TODAY, today=TODAY) == "today"


# --- Template filters -----------------------------------------------------------------------------


def test_the_figure_and_day_filters():
    template = Template("{% load koppel %}{{ x|figure }} {{ x|figure:0 }} {{ d|day }} {{ none|figure }}")
    with translation.override("nl"):
        text = template.render(Context({"x": 2.78, "d": date(2020, 1, 5), "none": None}))
    assert text == "2,8 3 5 januari 2020 \u2013"


def test_a_label_ending_in_a_full_stop_gets_no_colon_before_its_error():
    # "...ga ermee akkoord.: Dit veld is verplicht."
    template = Template("{% load koppel %}{{ label|error_label }}{{ error }}")
    assert (
        template.render(Context({"label": "I have read the agreement and agree.", "error": "Required."}))
        == "I have read the agreement and agree. Required."
    )
    assert template.render(Context({"label": "Name", "error": "Required."})) == "Name: Required."
    assert template.render(Context({"label": "Are you sure?", "error": "Required."})) == (
        "Are you sure? Required."
    )


def test_the_training_reminder_writes_hours_in_the_recipients_language__TRN_2():
    context = {
        "mentor": type("M", (), {"first_name": "Sam"})(),
        "data": {"hours": "1.5", "missing": "0.5"},
        "link": "https://example.org",
    }
    with translation.override("nl"):
        text = render_to_string("mail/reminder_training_hours.txt", context)
    assert "1,5" in text and "0,5" in text
    assert "1.5" not in text and "0.5" not in text
