"""Behind a reverse proxy every client has its own throttle; without one the header is ignored."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories as f
from tests.factories.recruitment import CampaignFactory
from tests.portal.test_public_apply import application, apply_url

pytestmark = pytest.mark.django_db

ALLAUTH_PROXY_SETTINGS = ("ALLAUTH_TRUSTED_PROXY_COUNT", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER")
CLIENT_A = "203.0.113.10"
CLIENT_B = "198.51.100.20"
PROXY = "10.0.0.2"


def settings_with(**env) -> dict:
    """The allauth proxy settings Koppel's settings module makes from these environment variables."""
    code = (
        "import json; from koppel import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {ALLAUTH_PROXY_SETTINGS!r} if hasattr(s, k)}}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("TRUST_PROXY_HEADERS", "TRUSTED_PROXY_COUNT")}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def behind_proxy() -> dict:
    return settings_with(TRUST_PROXY_HEADERS="1")


def through_proxy(ip: str) -> Client:
    """A browser at `ip` whose requests reach Koppel through one reverse proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ip)


def fail_five_logins(client: Client, email: str) -> None:
    for _ in range(5):
        client.post(reverse("account_login"), {"login": email, "password": "wrong-password"})


def test_trusting_proxy_headers_trusts_one_proxy_unless_told_otherwise():
    assert settings_with(TRUST_PROXY_HEADERS="1") == {"ALLAUTH_TRUSTED_PROXY_COUNT": 1}
    assert settings_with(TRUST_PROXY_HEADERS="1", TRUSTED_PROXY_COUNT="2") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 2
    }
    assert settings_with() == {}


def test_failed_logins_of_one_client_do_not_lock_out_another_behind_the_proxy(behind_proxy):
    f.UserFactory(email="a@example.org")
    f.UserFactory(email="b@example.org")
    with override_settings(**behind_proxy):
        fail_five_logins(through_proxy(CLIENT_A), "a@example.org")
        b = through_proxy(CLIENT_B)
        b.post(reverse("account_login"), {"login": "b@example.org", "password": f.PASSWORD})
        assert "_auth_user_id" in b.session
        # Client A itself is throttled.
        a = through_proxy(CLIENT_A)
        a.post(reverse("account_login"), {"login": "b@example.org", "password": f.PASSWORD})
        assert "_auth_user_id" not in a.session


def test_applications_of_one_client_do_not_give_another_429_behind_the_proxy(behind_proxy):
    from koppel.portal.views.public import RATE_LIMIT

    campaign = CampaignFactory()
    with override_settings(**behind_proxy):
        a = through_proxy(CLIENT_A)
        for i in range(RATE_LIMIT):
            assert a.post(apply_url(campaign), application(email=f"a{i}@example.org")).status_code == 302
        assert a.post(apply_url(campaign), application(email="a-more@example.org")).status_code == 429
        b = through_proxy(CLIENT_B)
        assert b.post(apply_url(campaign), application(email="b@example.org")).status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    """No spoofing: a client cannot escape its throttle by writing another address in the header."""
    f.UserFactory(email="a@example.org")
    f.UserFactory(email="b@example.org")
    fail_five_logins(Client(REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR="192.0.2.1"), "a@example.org")
    spoofer = Client(REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR="192.0.2.2")
    spoofer.post(reverse("account_login"), {"login": "b@example.org", "password": f.PASSWORD})
    assert "_auth_user_id" not in spoofer.session


def test_a_client_cannot_pose_as_another_by_adding_to_the_header(behind_proxy):
    """The proxy appends the address it saw; what the client wrote before it counts for nothing."""
    f.UserFactory(email="a@example.org")
    f.UserFactory(email="b@example.org")
    with override_settings(**behind_proxy):
        fail_five_logins(
            Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {CLIENT_A}"), "a@example.org"
        )
        spoofer = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.2, {CLIENT_A}")
        spoofer.post(reverse("account_login"), {"login": "b@example.org", "password": f.PASSWORD})
        assert "_auth_user_id" not in spoofer.session
