from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST

from koppel.common.redirects import safe_next_url


@login_not_required
@require_POST
def set_language(request):
    """Switch the interface language; a logged-in person's choice is remembered on their account."""
    language = request.POST.get("language", "")
    next_url = safe_next_url(request, request.POST.get("next"), "/")
    response = HttpResponseRedirect(next_url)
    if language in ("nl", "en") and check_for_language(language):
        from django.conf import settings

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=request.is_secure()
        )
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return response
