"""Second factors for mentors, youth and guardians, the sessions page and the security audit."""

import logging

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from koppel.common.domain.audit import history_of
from koppel.common.models import ActivityLog
from tests import factories as f
from tests.conftest import enrol_mfa
from tests.programmes.test_settings_page import _settings_data

pytestmark = pytest.mark.django_db


def log_in(email: str, **extra) -> Client:
    client = Client(**extra)
    response = client.post(reverse("account_login"), {"login": email, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def require_mfa_of_mentors(programme) -> None:
    programme.settings.mentor_mfa_required = True
    programme.settings.save()


# --- A programme may require a second factor of its mentors ----------------------------------------


def test_mentors_are_not_made_to_enrol_by_default(cast, client_for):
    assert cast.programme.settings.mentor_mfa_required is False
    assert client_for(cast.mentor).get(reverse("portal:home")).status_code == 200


def test_a_programme_can_make_its_mentors_enrol_first(cast, client_for):
    require_mfa_of_mentors(cast.programme)
    client = client_for(cast.mentor)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    # The choice offers both an authenticator app and a passkey.
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.text
    assert reverse("mfa_add_webauthn") in page.text


def test_only_the_mentors_of_that_programme_must_enrol(cast, client_for):
    require_mfa_of_mentors(cast.programme)
    elsewhere = f.MentorFactory(programme=cast.other_programme, user=f.UserFactory()).user
    assert client_for(elsewhere).get(reverse("portal:home")).status_code == 200
    assert client_for(cast.guardian).get(reverse("portal:home")).status_code == 200


@pytest.mark.parametrize("kind", [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
def test_an_app_or_a_passkey_lets_the_mentor_in(cast, client_for, kind):
    require_mfa_of_mentors(cast.programme)
    if kind == Authenticator.Type.TOTP:
        enrol_mfa(cast.mentor)
    else:
        Authenticator.objects.create(user=cast.mentor, type=kind, data={"name": "phone"})
    assert client_for(cast.mentor).get(reverse("portal:home")).status_code == 200


@override_settings(KOPPEL_DEMO=True)
def test_the_demo_enforces_nothing(cast, client_for):
    require_mfa_of_mentors(cast.programme)
    assert client_for(cast.mentor).get(reverse("portal:home")).status_code == 200


def test_the_setting_is_on_the_programme_settings_page_and_audited(cast, client_for):
    client = client_for(cast.coordinator)
    url = reverse("staff:programme_settings", args=[cast.programme.pk])
    page = client.get(url)
    assert 'name="mentor_mfa_required"' in page.text
    data = _settings_data(client, url)
    data["mentor_mfa_required"] = "on"
    assert client.post(url, data).status_code == 302
    cast.programme.settings.refresh_from_db()
    assert cast.programme.settings.mentor_mfa_required is True
    assert history_of(cast.programme).get().fields == ["mentor_mfa_required"]


# --- Portal users can set up a second factor and manage their account ------------------------------


@pytest.mark.parametrize("role", ["mentor", "youth", "guardian"])
def test_the_portal_links_to_the_account_pages(cast, client_for, role):
    page = client_for(getattr(cast, role)).get(reverse("portal:home")).text
    for url_name in ("mfa_index", "account_change_password", "account_email", "usersessions_list"):
        assert reverse(url_name) in page


def test_passkeys_can_be_added_and_used_to_log_in(cast):
    client = log_in("guardian@example.org")
    assert reverse("mfa_add_webauthn") in client.get(reverse("mfa_index")).text
    assert 'id="passkey_login"' in Client().get(reverse("account_login")).text


# --- Seeing and ending one's other sessions ---------------------------------------------------------


def test_a_person_sees_their_sessions_and_ends_the_others(cast):
    from allauth.usersessions.models import UserSession

    laptop = log_in("guardian@example.org", REMOTE_ADDR="192.0.2.10")
    phone = log_in("guardian@example.org", REMOTE_ADDR="192.0.2.20")
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert "192.0.2.10" in page.text and "192.0.2.20" in page.text
    assert laptop.post(reverse("usersessions_list")).status_code == 302
    assert phone.get(reverse("portal:home")).status_code == 302  # logged out
    assert laptop.get(reverse("portal:home")).status_code == 200
    assert list(UserSession.objects.filter(user=cast.guardian).values_list("ip", flat=True)) == ["192.0.2.10"]


def test_nobody_sees_anothers_sessions(cast):
    log_in("guardian@example.org", REMOTE_ADDR="192.0.2.10")
    page = log_in("mentor@example.org", REMOTE_ADDR="192.0.2.99").get(reverse("usersessions_list"))
    assert "192.0.2.10" not in page.text


# --- The security audit ---------------------------------------------------------------------------


def test_a_login_is_audited(cast):
    log_in("mentor@example.org")
    assert history_of(cast.mentor).filter(action="accounts.login", actor=cast.mentor).count() == 1


def test_a_failed_login_is_audited_on_the_account_without_what_was_typed(cast):
    Client().post(reverse("account_login"), {"login": "Mentor@Example.org", "password": "wrong-password"})
    entry = history_of(cast.mentor).get(action="accounts.login.failed")
    assert entry.actor is None
    assert "example.org" not in str(entry.data).lower() and "wrong" not in str(entry.data)


def test_a_failed_login_for_an_unknown_address_writes_no_address_anywhere(cast, caplog):
    before = ActivityLog.objects.count()
    with caplog.at_level(logging.DEBUG):
        Client().post(reverse("account_login"), {"login": "nobody@elsewhere.example", "password": "x" * 12})
    assert ActivityLog.objects.count() == before
    assert "nobody" not in caplog.text and "elsewhere" not in caplog.text


def test_a_lockout_is_audited(cast):
    client = Client()
    for _ in range(6):
        client.post(reverse("account_login"), {"login": "mentor@example.org", "password": "wrong-password"})
    assert history_of(cast.mentor).filter(action="accounts.login.failed").count() == 5
    assert history_of(cast.mentor).filter(action="accounts.login.locked").count() == 1


def test_a_password_reset_is_audited(cast, django_capture_on_commit_callbacks):
    import re
    from urllib.parse import urlsplit

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": "mentor@example.org"})
    link = urlsplit(
        re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    ).path
    client = Client()
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"password1": "een-nieuw-wachtwoord-42", "password2": "een-nieuw-wachtwoord-42"}
    )
    assert response.status_code == 302
    entry = history_of(cast.mentor).get(action="accounts.password.reset")
    assert entry.fields == ["password"]


@pytest.mark.django_db(transaction=True)
def test_adding_a_second_factor_is_audited(cast):
    """allauth sends its signal when the transaction commits, inside the request."""
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    client = log_in("mentor@example.org")
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
    added = history_of(cast.mentor).filter(action="accounts.mfa.added")
    assert {e.data["type"] for e in added} >= {"totp"}
    assert all(e.actor == cast.mentor for e in added)
