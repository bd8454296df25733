"""The HTTP answer that hands an access archive over, shared by the staff pages and the portal."""

from django.http import HttpResponse

from koppel.privacy.models import AccessRequest


def archive_response(access: AccessRequest) -> HttpResponse:
    """The ZIP as an attachment under its name (no personal data in it), never cached."""
    response = HttpResponse(bytes(access.content or b""), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{access.filename}"'
    response["Cache-Control"] = "no-store"
    return response
