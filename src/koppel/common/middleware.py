import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from koppel.common.maintenance import under_maintenance


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


LAST_SEEN_KEY = "koppel_last_seen"
STARTED_KEY = "koppel_session_started"
# Writing the session on every request would be a cache write per page; once a minute is enough
# for a timeout counted in minutes.
LAST_SEEN_RESOLUTION = 60


def start_session_clock(sender, request, user, **kwargs) -> None:
    """At log-in, start both clocks in the session that the log-in saves anyway (no extra write)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED_KEY] = now
        request.session[LAST_SEEN_KEY] = now


class SessionTimeoutMiddleware:
    """A login ends after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE
    seconds after it began however active it was; the next page asks to log in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            last_seen = session.get(LAST_SEEN_KEY)
            started = session.get(STARTED_KEY)
            if (last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT) or (
                started is not None and now - started > settings.SESSION_COOKIE_AGE
            ):
                logout(request)
                messages.info(request, _("You were logged out because you had not used Koppel for a while."))
                return redirect_to_login(request.get_full_path())
            if started is None:
                session[STARTED_KEY] = now
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header (settings.PERMISSIONS_POLICY): no camera, microphone,
    location and the like for any page, passkeys only for Koppel's own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class MaintenanceMiddleware:
    """While the maintenance flag is set (a restore is running, koppel.common.maintenance), answer
    every request with 503 and a short page in the visitor's language: no log-in, no page, no form.
    Static files are served before this (whitenoise). It sits before anything that reads the session
    or the user, so a request touches no database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if under_maintenance():
            response = HttpResponse(render_to_string("maintenance.html"), status=503)
            response["Retry-After"] = "300"
            response["Cache-Control"] = "no-store"
            # Planned, not a server error: no error line in the log for every request meanwhile.
            response._has_been_logged = True  # type: ignore[attr-defined]
            return response
        return self.get_response(request)
