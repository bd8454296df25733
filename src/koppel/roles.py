"""The user's roles on every request: the home page of each role, the roles in every template, and the
second factor for those who must have one.

It reads the role facts of koppel.policy, so it sits above the policy (beside the staff and portal
apps), not in `common`, which every app imports.
"""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from koppel.accounts.models import User
from koppel.policy import Roles, must_use_second_factor, roles_of

# Pages someone without the required MFA may still reach: the account pages (to enrol, or log out),
# the language switch, static files and the public privacy and accessibility statements.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/privacy/", "/accessibility/")
# A second factor: an authenticator app (TOTP) or a passkey/security key (WebAuthn). Recovery codes
# alone are no second factor; they come with one.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of their role."""
    r = roles_of(request.user)
    if r.is_staff_member:
        return redirect("staff:overview")
    if r.is_mentor or r.is_youth or r.is_guardian:
        return redirect("portal:home")
    return render(request, "common/no_role.html")


def context(request: HttpRequest) -> dict[str, object]:
    """What every template may show: the demo banner, the site's name and the user's roles."""
    user = getattr(request, "user", None)
    roles: Roles | None = roles_of(user) if user is not None else None
    return {"koppel_demo": settings.KOPPEL_DEMO, "site_name": settings.SITE_NAME, "roles": roles}


def needs_mfa_enrolment(user: User) -> bool:
    """Staff, and mentors of a programme that requires it, must have a second factor."""
    if settings.KOPPEL_DEMO or not user.is_authenticated:
        return False
    if not must_use_second_factor(user):
        return False
    return not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


class StaffMFAMiddleware:
    """Outside the demo, an account that must use MFA and has none is made to enrol before anything
    else: staff straight to the authenticator app, a mentor to the choice of app or passkey."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(MFA_EXEMPT_PREFIXES) and needs_mfa_enrolment(request.user):  # type: ignore[arg-type]
            user = request.user
            is_staff = user.is_staff or user.is_superuser or roles_of(user).is_staff_member
            return redirect("mfa_activate_totp" if is_staff else "mfa_index")
        return self.get_response(request)
