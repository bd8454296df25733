import pytest
from django.core import mail
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_login_page_is_dutch_by_default(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert "Inloggen" in response.text
    assert "/accounts/signup/" not in response.text


def test_login_by_email_reaches_the_roles_home(client):
    coordinator = f.CoordinatorFactory(user__email="coordinator@example.org").user
    from tests.conftest import enrol_mfa

    enrol_mfa(coordinator)
    response = client.post(
        reverse("account_login"), {"login": "coordinator@example.org", "password": f.PASSWORD}
    )
    # With MFA enrolled, allauth asks for the second factor before the session is logged in.
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")


def test_login_without_mfa_for_a_mentor(client, cast):
    response = client.post(
        reverse("account_login"),
        {"login": "mentor@example.org", "password": f.PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")


def test_failed_logins_are_throttled(client):
    f.UserFactory(email="someone@example.org")
    client.cookies["django_language"] = "en"
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": "someone@example.org", "password": "wrong-password"})
        assert "Too many failed login attempts" not in response.text
    response = client.post(url, {"login": "someone@example.org", "password": f.PASSWORD})
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, django_capture_on_commit_callbacks):
    f.UserFactory(email="someone@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # through the outbox, after the commit
        response = client.post(reverse("account_reset_password"), {"email": "someone@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "someone@example.org" in mail.outbox[0].to


def test_nobody_can_sign_up_on_their_own(client):
    response = client.get(reverse("account_signup"))
    assert "signup" not in response.get("Location", "") or response.status_code != 200
    assert b'name="password1"' not in response.content


def test_interface_follows_the_persons_preferred_language(cast, client_for):
    cast.mentor.language = "en"
    cast.mentor.save()
    response = client_for(cast.mentor).get(reverse("portal:home"))
    assert '<html lang="en">' in response.text


def test_language_switch_is_remembered_on_the_account(cast, client_for):
    client = client_for(cast.mentor)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    assert response.status_code == 302
    cast.mentor.refresh_from_db()
    assert cast.mentor.language == "en"


def test_welcome_message_is_in_the_persons_language_not_the_browsers(client, cast):
    cast.mentor.language = "nl"
    cast.mentor.save()
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("account_login"), {"login": "mentor@example.org", "password": f.PASSWORD}, follow=True
    )
    assert '<html lang="nl">' in response.text
    assert "Successfully signed in" not in response.text
