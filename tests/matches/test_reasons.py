"""The engine's reasons in words: numbers in the active language, plurals that agree with them."""

from django.utils import translation

from koppel.matches.domain.reasons import pair_problem, unmatched_text


def test_a_distance_is_written_with_the_languages_decimal_sign():
    # The engine stores "7.5" (its params are text); a Dutch page says 7,5 km.
    with translation.override("nl"):
        text = pair_problem("too_far", {"km": "7.5"})
        unmatched = unmatched_text("too_far", ["too_far"], {"km": "7.5"}, {}, 3)
    assert "7,5" in text and "7.5" not in text
    assert "7,5" in unmatched and "7.5" not in unmatched
    assert "10 km" in pair_problem("too_far", {"km": "10"})


def test_fewer_than_one_weekly_time_slot_is_singular():
    # "minder dan 1 dagdelen" / "fewer than 1 weekly time slots" had no plural handling.
    assert pair_problem("too_little_availability_overlap", {"slots": "1"}) == (
        "They share fewer than 1 weekly time slot."
    )
    assert pair_problem("too_little_availability_overlap", {"slots": "3"}) == (
        "They share fewer than 3 weekly time slots."
    )


def test_an_age_gap_of_one_year_is_singular__MAT_3():
    assert pair_problem("age_gap_too_small", {"gap": "1"}) == (
        "The mentor is less than 1 year older than the youth and not at a next school level."
    )
    assert "at least 2 years older" in unmatched_text(
        "age_gap_too_small", ["age_gap_too_small"], {"gap": "2"}, {}, 3
    )
