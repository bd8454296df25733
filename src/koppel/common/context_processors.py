from django.conf import settings

from koppel.policy import roles_of


def koppel(request):
    user = getattr(request, "user", None)
    return {
        "koppel_demo": settings.KOPPEL_DEMO,
        "site_name": settings.SITE_NAME,
        "roles": roles_of(user) if user is not None else None,
    }
