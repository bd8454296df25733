"""A `next` value from a request is followed only when it is a path on this site; anything else (a
bare word, another host, a scheme) gives the page's own fallback, never an error or an open redirect."""

import pytest
from django.urls import reverse

from tests.matrix_rows.instruments import _alert

pytestmark = pytest.mark.django_db

BAD_NEXT = ["abc", "https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil", " /x", ""]


@pytest.mark.parametrize("bad", BAD_NEXT)
def test_export_request_with_a_bad_next_goes_back_to_the_export_list(cast, client_for, bad):
    client = client_for(cast.coordinator)
    # An unknown report makes the form invalid, so the view goes back to `next`.
    response = client.post(reverse("staff:export_request"), {"report": "nope", "next": bad})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:export_list")


@pytest.mark.parametrize("bad", BAD_NEXT)
def test_handling_an_alert_with_a_bad_next_goes_to_the_worklist(cast, client_for, bad):
    response = client_for(cast.coordinator).post(_alert(cast), {"next": bad})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:worklist")


@pytest.mark.parametrize("bad", BAD_NEXT)
def test_set_language_with_a_bad_next_goes_home(client, bad):
    response = client.post(reverse("set_language"), {"language": "en", "next": bad})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_path_on_this_site_is_followed(cast, client_for):
    client = client_for(cast.coordinator)
    response = client.post(reverse("staff:export_request"), {"report": "nope", "next": "/staff/?x=1"})
    assert response["Location"] == "/staff/?x=1"
    response = client.post(_alert(cast), {"next": "/staff/worklist/?tab=2"})
    assert response["Location"] == "/staff/worklist/?tab=2"
