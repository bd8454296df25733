"""Every form of every page, posted with one bad value in one field at a time: the answer is the
form again, a redirect or a refusal, never a server error. And every form of a versioned record,
posted without the version it was opened with, changes nothing.

The pages are the role matrix's rows (tests/test_role_matrix.py), opened by the first role the matrix
lets in; the forms are the page's POST forms as a browser would post them (tests/html_forms.py),
to the page itself or to the action they name."""

from urllib.parse import urljoin

import pytest
from django.apps import apps

from tests.html_forms import page_post_forms
from tests.test_role_matrix import MATRIX

BAD_VALUES = [str(2**63), "-1", "abc", "", "x" * 10_000, "a\x00b", "2026-02-31", ["1", "2"]]
ROLE_ORDER = ("coordinator", "admin", "mentor", "youth", "guardian", "anonymous")
PAGES = sorted(name for name, row in MATRIX.items() if row.method == "get" and not row.hop_through)
# Forms that end the session or change the language: posting them would end the walk, not test it.
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")
ANSWERS = (200, 302, 400, 403, 404, 405, 409, 410, 429)


def _role(name: str) -> str | None:
    expected = MATRIX[name].expected
    return next((role for role in ROLE_ORDER if expected[role] == 200), None)


def _page_forms(cast, client_for, url_name):
    role = _role(url_name)
    if role is None:
        pytest.skip("no role opens this page")
    client = client_for(cast.users()[role])
    client.raise_request_exception = False
    url = MATRIX[url_name].url(cast)
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        pytest.skip("not an HTML page")
    forms = [
        (urljoin(url, action) if action else url, data)
        for action, data in page_post_forms(page.text)
        if not action.startswith(SKIP_ACTIONS)
    ]
    if not forms:
        pytest.skip("no POST form on this page")
    return client, forms


@pytest.mark.parametrize("url_name", PAGES)
def test_no_bad_value_in_any_field_gives_a_server_error(cast, client_for, url_name):
    client, forms = _page_forms(cast, client_for, url_name)
    failures = []
    for target, data in forms:
        for field in data:
            if field == "csrfmiddlewaretoken":
                continue
            for bad in BAD_VALUES:
                response = client.post(target, {**data, field: bad})
                if response.status_code not in ANSWERS:
                    failures.append((target, field, repr(bad)[:30], response.status_code))
    assert failures == [], f"{url_name}: {failures}"


def _versions() -> dict[str, int]:
    """The version of every versioned row, by model and id."""
    found = {}
    for model in apps.get_models():
        if model.__module__.startswith("koppel") and "version" in {f.name for f in model._meta.fields}:
            for pk, version in model._default_manager.values_list("pk", "version"):
                found[f"{model._meta.label}:{pk}"] = version
    return found


@pytest.mark.parametrize("url_name", PAGES)
def test_a_versioned_form_without_its_version_changes_nothing(cast, client_for, url_name):
    """A save that leaves out the version it was opened with could overwrite someone else's change
    unseen: it is refused, whatever the form."""
    client, forms = _page_forms(cast, client_for, url_name)
    versioned = [(target, data) for target, data in forms if "expected_version" in data]
    if not versioned:
        pytest.skip("no versioned form on this page")
    for target, data in versioned:
        before = _versions()
        stored = {k: v for k, v in before.items() if v > 0}
        data = {k: v for k, v in data.items() if k != "expected_version"}
        response = client.post(target, data)
        assert response.status_code in ANSWERS
        after = _versions()
        changed = [key for key, version in stored.items() if after.get(key) != version]
        assert changed == [], f"{url_name} -> {target}: saved without a version: {changed}"
