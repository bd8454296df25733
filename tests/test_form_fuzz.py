"""Every form of every page, posted with one bad value in one field at a time: the answer is the
form again or a redirect, never a server error.

The pages are the role matrix's rows (tests/test_role_matrix.py), opened by the first role the matrix
lets in; the form is the page's own POST form as a browser would post it (tests/html_forms.py)."""

import pytest

from tests.html_forms import page_form_data
from tests.test_role_matrix import MATRIX

BAD_VALUES = [str(2**63), "-1", "abc", "", "x" * 10_000, "a\x00b", "2026-02-31", ["1", "2"]]
ROLE_ORDER = ("coordinator", "admin", "mentor", "youth", "guardian", "anonymous")
PAGES = sorted(name for name, row in MATRIX.items() if row.method == "get" and not row.hop_through)


def _role(name: str) -> str | None:
    expected = MATRIX[name].expected
    return next((role for role in ROLE_ORDER if expected[role] == 200), None)


@pytest.mark.parametrize("url_name", PAGES)
def test_no_bad_value_in_any_field_gives_a_server_error(cast, client_for, url_name):
    role = _role(url_name)
    if role is None:
        pytest.skip("no role opens this page")
    client = client_for(cast.users()[role])
    client.raise_request_exception = False
    url = MATRIX[url_name].url(cast)
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        pytest.skip("not an HTML page")
    try:
        data = page_form_data(page.text)
    except AssertionError:
        pytest.skip("no form that posts back to the page")
    failures = []
    for field in data:
        if field == "csrfmiddlewaretoken":
            continue
        for bad in BAD_VALUES:
            response = client.post(url, {**data, field: bad})
            if response.status_code >= 500 or response.status_code not in (200, 302, 400, 403, 404, 409, 429):
                failures.append((field, repr(bad)[:30], response.status_code))
    assert failures == [], f"{url_name}: {failures}"
