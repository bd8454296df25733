"""The role matrix's survey pages asked about the mentor's and the parent's survey
(OUT-1, OUT-4). tests/test_role_matrix.py holds one row per URL name, for the youth's survey; the
rows here (tests/matrix_rows/surveys.py, RESPONDENT_ROWS) ask the same pages about a survey another
respondent answers: only that respondent, and the programme's staff on the staff page, may see it."""

import pytest

from tests.matrix import ROLES
from tests.matrix_rows.surveys import RESPONDENT_ROWS, ROWS
from tests.test_role_matrix import assert_answer

CASES = [
    (respondent, url_name, role)
    for respondent, rows in RESPONDENT_ROWS.items()
    for url_name in rows
    for role in ROLES
]


def test_every_survey_page_has_a_row_per_respondent():
    # The pages of one survey are in the main matrix for the youth's survey; each has a row here too.
    survey_pages = {
        "staff:survey_detail",
        "portal:survey",
        "portal:survey_save",
        "links:survey",
        "links:survey_save",
    }
    assert survey_pages <= ROWS.keys()
    assert {respondent: set(rows) for respondent, rows in RESPONDENT_ROWS.items()} == {
        "mentor": survey_pages,
        "guardian": survey_pages,
    }


@pytest.mark.parametrize(("respondent", "url_name", "role"), CASES)
def test_survey_role_matrix_by_respondent(cast, client_for, respondent, url_name, role):
    row = RESPONDENT_ROWS[respondent][url_name]
    client = client_for(cast.users()[role])
    if row.method == "post":
        # The same data the main matrix posts (tests/test_role_matrix.py, request_as).
        response = client.post(row.url(cast), {"language": "nl", "next": "/"}, follow=False)
    else:
        response = client.get(row.url(cast), follow=False)
    assert_answer(response, row.expected[role])
