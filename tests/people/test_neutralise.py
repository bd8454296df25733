"""The one rule that makes exported text inert in spreadsheet programs (formula injection)."""

import csv
import io

import pytest

from koppel.people.resources import _text, neutralise

FORMULAS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "   @SUM(A1)",
    ";=1+1",
    "a;=1+1",
    'Jansen, =HYPERLINK("http://evil.example")',
    "\uff1d1+1",  # FULLWIDTH EQUALS SIGN
    "\uff0b1+1",  # FULLWIDTH PLUS SIGN
    "\uff0d1+1",  # FULLWIDTH HYPHEN-MINUS
    "\uff20SUM(A1)",  # FULLWIDTH COMMERCIAL AT
    "\ufe661+1",  # SMALL EQUALS SIGN
    " \uff1d1+1",
    "\u3000=1+1",  # IDEOGRAPHIC SPACE before "="
]
PLAIN = [
    "Ann",
    "van den Berg",
    "06-12345678",
    "3072 AB",
    "nl,en",
    "1990-03-04",
    "a = b",
    "e-mail@example.org",
    "",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_start_anywhere_a_program_may_see_one_is_neutralised(text):
    assert neutralise(text) == "'" + text
    # Importing the exported cell gives the text back.
    assert _text(neutralise(text)) == text.strip()


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_left_alone(text):
    assert neutralise(text) == text


@pytest.mark.django_db
def test_people_csv_export_quotes_every_cell(cast, client_for):
    from django.urls import reverse

    from tests import factories as f

    f.MentorFactory(programme=cast.programme, first_name="a;=1+1", email="semi@example.org")
    response = client_for(cast.coordinator).post(
        reverse("staff:export_people"), {"kind": "mentor", "programme": cast.programme.pk, "format": "csv"}
    )
    text = response.content.decode("utf-8-sig")
    assert '"\'a;=1+1"' in text
    # Read as Dutch Excel does, with ";" between cells, no cell starts with a formula.
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        assert not any(cell.lstrip().startswith(("=", "+", "@")) for cell in row)
