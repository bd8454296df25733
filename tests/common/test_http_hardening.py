"""What every response carries and what the server log gets: headers, cookies, messages, 403s."""

import logging
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def log_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


# --- Permissions-Policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["account_login", "portal:home"])
def test_every_page_sends_a_permissions_policy(cast, client_for, url_name):
    response = client_for(cast.mentor).get(reverse(url_name))
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy
    # Passkeys stay possible on Koppel's own pages.
    assert "publickey-credentials-get=(self)" in policy


# --- Messages -------------------------------------------------------------------------------------


def test_the_welcome_message_is_not_kept_in_a_cookie(cast):
    cast.mentor.name = "Sanne de Vries"
    cast.mentor.save()
    client = Client()
    response = client.post(reverse("account_login"), {"login": "mentor@example.org", "password": f.PASSWORD})
    assert "messages" not in response.cookies
    for morsel in response.cookies.values():
        assert "Sanne" not in morsel.value
    # The message itself is still shown on the next page.
    assert "Sanne" in client.get(response["Location"], follow=True).text


# --- The password's minimum length ----------------------------------------------------------------


def test_the_password_length_message_is_dutch_on_the_dutch_page(cast):
    client = log_in("mentor@example.org")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": f.PASSWORD, "password1": "kort-pw", "password2": "kort-pw"},
    )
    assert '<html lang="nl">' in response.text
    assert "Dit wachtwoord is te kort. De minimale lengte is 10 tekens." in response.text
    assert "too short" not in response.text


def test_the_password_length_message_is_english_on_the_english_page(cast):
    cast.mentor.language = "en"
    cast.mentor.save()
    client = log_in("mentor@example.org")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": f.PASSWORD, "password1": "kort-pw", "password2": "kort-pw"},
    )
    assert "This password is too short. It must contain at least 10 characters." in response.text


# --- A refused request in the server log ----------------------------------------------------------


def test_a_403_is_one_short_log_line_without_traceback_or_path(cast, client_for, caplog):
    path = reverse("staff:mentor_screening", args=[cast.mentor_row.pk])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(cast.mentor).get(path)
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and record.exc_text is None
    message = record.getMessage()
    assert path not in message and str(cast.mentor_row.pk) not in message
    assert message == "Forbidden (403): GET staff:mentor_screening"


def test_a_403_reaches_the_server_log_once(cast, client_for):
    """Django's own console handler for its "django" loggers would repeat every line the root's
    handler writes (with DEBUG on); Koppel's loggers leave writing to the root."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate is True
    assert len(logging.getLogger().handlers) >= 1


def test_a_server_error_keeps_its_traceback(caplog):
    from koppel.common.serverlogs import ShortClientErrors

    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        ("/x/",),
        (
            ValueError,
            ValueError("boom"),
            None,
        ),
    )
    record.status_code = 500
    assert ShortClientErrors().filter(record) is True
    assert record.exc_info is not None and record.getMessage() == "Internal Server Error: /x/"


# --- Sessions: inactivity and the longest a login lasts --------------------------------------------


def _age_session(client: Client, key: str, seconds: int) -> None:
    from koppel.common import middleware

    key = getattr(middleware, key)
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT=30 * 60)
def test_a_session_ends_after_half_an_hour_without_a_request(cast):
    client = log_in("mentor@example.org")
    assert client.get(reverse("portal:home")).status_code == 200
    _age_session(client, "LAST_SEEN_KEY", 30 * 60 + 5)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT=30 * 60)
def test_an_active_session_goes_on(cast):
    client = log_in("mentor@example.org")
    client.get(reverse("portal:home"))
    _age_session(client, "LAST_SEEN_KEY", 29 * 60)
    assert client.get(reverse("portal:home")).status_code == 200
    # The request counted as activity: the clock starts again.
    assert time.time() - client.session["koppel_last_seen"] < 5


@override_settings(SESSION_COOKIE_AGE=12 * 60 * 60)
def test_even_an_active_session_ends_after_the_longest_a_login_lasts(cast):
    client = log_in("mentor@example.org")
    client.get(reverse("portal:home"))
    _age_session(client, "STARTED_KEY", 12 * 60 * 60 + 5)
    assert client.get(reverse("portal:home")).status_code == 302
    assert "_auth_user_id" not in client.session
