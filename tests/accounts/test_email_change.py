"""Changing the login address: the password first, the new address verified, the old one told."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from koppel.common.domain.audit import history_of
from tests import factories as f

pytestmark = pytest.mark.django_db

NEW = "new-address@example.org"


def logged_in_with_password(email: str) -> Client:
    """A client that logged in through the form just now (so it recently gave its password)."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def add_address(client: Client, email: str = NEW):
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def add_address_giving_the_password(client: Client, email: str = NEW):
    """Add an address the way a person does: asked for the password, then the addition goes on."""
    response = add_address(client, email)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    return client.post(response["Location"], {"password": f.PASSWORD})


def test_a_session_cannot_add_an_address_without_the_password(cast, client_for):
    client = client_for(cast.guardian)  # a session that did not give its password recently
    response = add_address(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email=NEW).exists()
    assert mail.outbox == []


def test_the_reauthentication_asks_for_the_password(cast, client_for):
    client = client_for(cast.guardian)
    add_address(client)
    page = client.get(reverse("account_reauthenticate"))
    assert page.status_code == 200
    assert 'name="password"' in page.text


def test_a_new_address_is_not_a_login_before_it_is_verified(cast, django_capture_on_commit_callbacks):
    client = logged_in_with_password("guardian@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_address_giving_the_password(client)
    assert EmailAddress.objects.get(email=NEW).verified is False
    cast.guardian.refresh_from_db()
    assert cast.guardian.email == "guardian@example.org"
    # The verification mail goes to the new address.
    assert [m.to for m in mail.outbox] == [[NEW]]

    # Neither the password reset ...
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": NEW})
    assert not any("/accounts/password/reset/key/" in m.body for m in mail.outbox)
    # ... nor the log-in accepts it.
    stranger = Client()
    stranger.post(reverse("account_login"), {"login": NEW, "password": f.PASSWORD})
    assert "_auth_user_id" not in stranger.session


def test_verifying_makes_it_the_login_address_and_tells_the_old_one(cast, django_capture_on_commit_callbacks):
    client = logged_in_with_password("guardian@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_address_giving_the_password(client)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(urlsplit(link).path)

    cast.guardian.refresh_from_db()
    assert cast.guardian.email == NEW
    assert list(EmailAddress.objects.filter(user=cast.guardian).values_list("email", "verified")) == [
        (NEW, True)
    ]
    assert ["guardian@example.org"] in [m.to for m in mail.outbox]
    # The old address no longer logs in; the new one does.
    old = Client()
    old.post(reverse("account_login"), {"login": "guardian@example.org", "password": f.PASSWORD})
    assert "_auth_user_id" not in old.session
    assert "_auth_user_id" in logged_in_with_password(NEW).session
    # Audited without the addresses themselves.
    entry = history_of(cast.guardian).get(action="accounts.email.changed")
    assert "example.org" not in str(entry.data)


def test_an_unverified_address_row_never_logs_in_or_resets(cast, django_capture_on_commit_callbacks):
    """Also an unverified row made some other way (the Django admin, an import) is no login."""
    EmailAddress.objects.create(user=cast.guardian, email=NEW, verified=False, primary=False)
    stranger = Client()
    stranger.post(reverse("account_login"), {"login": NEW, "password": f.PASSWORD})
    assert "_auth_user_id" not in stranger.session
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": NEW})
    assert not any("/accounts/password/reset/key/" in m.body for m in mail.outbox)


def test_an_address_replaced_by_staff_no_longer_logs_in(cast):
    """Staff change a login address in the Django admin: the old address, still a verified row of
    allauth's, opens the account no more."""
    cast.guardian.email = NEW
    cast.guardian.save()
    old = Client()
    old.post(reverse("account_login"), {"login": "guardian@example.org", "password": f.PASSWORD})
    assert "_auth_user_id" not in old.session
    assert "_auth_user_id" in logged_in_with_password(NEW).session
