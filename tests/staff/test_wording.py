"""Wording on staff pages: a single youth is "Jongere", an error after a label that ends in a full stop
gets no colon, and a setting the factsheet says nothing about is not announced as the factsheet's."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from koppel.matches.forms.agreement import ConsentForm
from koppel.programmes.models import ProgrammeSettings


def _language(user, language):
    user.language = language
    user.save()
    return user


def test_the_match_page_labels_its_one_youth_in_the_singular(cast, client_for):
    # "Jongeren" labelled the single youth of the match.
    text = (
        client_for(_language(cast.coordinator, "nl"))
        .get(reverse("staff:match_detail", args=[cast.match.pk]))
        .text
    )
    assert "<dt>Jongere</dt>" in text
    assert "<dt>Jongeren</dt>" not in text


def test_the_pair_form_labels_its_one_youth_in_the_singular(cast, client_for):
    # "Jongeren:" labelled the one youth to choose on the pair form.
    text = (
        client_for(_language(cast.coordinator, "nl"))
        .get(reverse("staff:matching_pair", args=[cast.programme.pk]))
        .text
    )
    assert '<label for="id_youth">Jongere:</label>' in text
    assert "Jongeren:</label>" not in text


def test_an_error_after_a_label_ending_in_a_full_stop_has_no_doubled_punctuation():
    # "...ga ermee akkoord.: Dit veld is verplicht."
    form = ConsentForm({"typed_name": "Sanne de Vries"})
    with translation.override("en"):
        html = render_to_string("form_errors.html", {"form": form})
    assert "I have read the agreement and I agree to it. This field is required." in html
    assert "it.:" not in html


def test_an_error_after_a_plain_label_keeps_its_colon():
    form = ConsentForm({"agree": "on"})
    with translation.override("en"):
        html = render_to_string("form_errors.html", {"form": form})
    assert "Type your full name: This field is required." in html


def test_a_setting_not_from_the_factsheet_is_not_announced_as_the_factsheets(cast, client_for):
    # "Factsheet: niet in de factsheet: privacy" on the programme settings page.
    client = client_for(_language(cast.coordinator, "en"))
    for url in (
        reverse("staff:programme_settings", args=[cast.programme.pk]),
        reverse("staff:programme_detail", args=[cast.programme.pk]),
    ):
        text = client.get(url).text
        assert "Factsheet: not in the factsheet" not in text
        assert "Not in the factsheet; Koppel&#x27;s default: 5, so that no youth can be recognised" in text
    assert (
        "Factsheet: 12 months"
        in client.get(reverse("staff:programme_settings", args=[cast.programme.pk])).text
    )


def test_every_setting_says_where_its_default_comes_from():
    with translation.override("en"):
        for name, (_rule, factsheet) in ProgrammeSettings.RULES.items():
            text = ProgrammeSettings.source_text(name)
            if factsheet is None:
                assert text.startswith("Not in the factsheet; Koppel's default: "), name
            else:
                assert text == f"Factsheet: {factsheet}", name
