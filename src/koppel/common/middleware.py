from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.utils import translation

from koppel.policy import roles_of

# Pages a staff member without MFA may still reach: the account pages (to enrol, or log out),
# the language switch and static files.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/")


class UserLanguageMiddleware:
    """Show each logged-in person the site in their own preferred language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


def needs_mfa_enrolment(user) -> bool:
    """Staff (administrators, coordinators, Django-admin users) must have a TOTP authenticator."""
    if settings.KOPPEL_DEMO or not user.is_authenticated:
        return False
    if not (user.is_staff or user.is_superuser or roles_of(user).is_staff_member):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFAMiddleware:
    """Outside the demo, a staff account without MFA is made to enrol before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(MFA_EXEMPT_PREFIXES) and needs_mfa_enrolment(request.user):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
