"""What every portal page shares: the gate for mentors, youth and parents or guardians. A domain
refusal is shown with `koppel.common.refusal.show_refusal`, as on the staff pages.

Every view follows one recipe: fetch through a permission-checked selector (404 when the user may not
see it) -> bind a form -> call one domain function -> message -> redirect.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from koppel.policy import roles_of


def portal_required[**P](
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Portal pages are for mentors, youth and parents or guardians only (403 for anyone else)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        r = roles_of(request.user)
        if not (r.is_mentor or r.is_youth or r.is_guardian):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
