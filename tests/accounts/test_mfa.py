import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import override_settings
from django.urls import reverse

from koppel.accounts import crypto
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def test_staff_without_mfa_must_enrol_before_anything_else(client):
    f.CoordinatorFactory(user__email="new-coordinator@example.org")
    client.post(reverse("account_login"), {"login": "new-coordinator@example.org", "password": f.PASSWORD})
    for url in [reverse("home"), reverse("staff:overview"), reverse("staff:mentor_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_admin_without_mfa_must_enrol_even_for_the_django_admin(client_for):
    admin = f.AdministratorFactory().user
    response = client_for(admin).get("/admin/")
    assert response["Location"] == reverse("mfa_activate_totp")


def test_non_staff_are_not_asked_to_enrol(cast, client_for):
    response = client_for(cast.mentor).get(reverse("portal:home"))
    assert response.status_code == 200


@override_settings(KOPPEL_DEMO=True)
def test_demo_switches_enforcement_off_and_says_so_on_every_page(client_for):
    coordinator = f.CoordinatorFactory().user
    response = client_for(coordinator).get(reverse("staff:overview"))
    assert response.status_code == 200
    assert 'class="demo-banner"' in response.text
    login_page = client_for(None).get(reverse("account_login"))
    assert 'class="demo-banner"' in login_page.text


def test_no_demo_banner_outside_the_demo(client_for):
    assert 'class="demo-banner"' not in client_for(None).get(reverse("account_login")).text


def test_totp_secret_is_stored_encrypted():
    user = f.UserFactory()
    TOTP.activate(user, SECRET)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert SECRET not in stored
    assert crypto.decrypt(stored) == SECRET


def test_a_used_totp_code_is_never_accepted_twice():
    user = f.UserFactory()
    totp = TOTP.activate(user, SECRET)
    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(SECRET, counter))
    assert totp.validate_code(code) is True
    assert totp.validate_code(code) is False


def test_recovery_codes_are_single_use_and_not_stored_in_the_clear():
    user = f.UserFactory()
    codes = RecoveryCodes.activate(user)
    code = codes.get_unused_codes()[0]
    stored = str(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).data)
    assert code not in stored
    assert codes.validate_code(code) is True
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(code) is False


def test_enrolling_totp_unlocks_the_staff_pages_and_stores_the_secret_encrypted(client):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    coordinator = f.CoordinatorFactory(user__email="enrol@example.org").user
    client.post(reverse("account_login"), {"login": "enrol@example.org", "password": f.PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    counter = next(iter(yield_hotp_counters_from_time()))
    response = client.post(
        reverse("mfa_activate_totp"), {"code": format_hotp_value(hotp_value(secret, counter))}
    )
    assert response.status_code == 302
    stored = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP).data["secret"]
    assert stored != secret and crypto.decrypt(stored) == secret
    assert client.get(reverse("staff:overview")).status_code == 200
