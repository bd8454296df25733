"""What every staff page shares: the gate for staff only, pagination, one view for the page and its
HTMX fragment, saving a versioned form (`posted_and_saved`) and the message after it (`show_saved`),
and a button that calls one domain function (`run_step`). A domain refusal is shown with
`koppel.common.refusal.show_refusal`.

Every view follows one recipe: fetch through a permission-checked selector (404 when the user may not
see it) -> bind a form -> call one domain function -> message -> redirect.
"""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, Concatenate

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from koppel.common.forms import VersionedModelForm
from koppel.common.refusal import show_refusal
from koppel.policy import roles_of


class HtmxHttpRequest(HttpRequest):
    """A request as `django_htmx.middleware.HtmxMiddleware` hands it on (for the type checker)."""

    htmx: HtmxDetails


def staff_required[**P](
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Staff pages are for administrators and coordinators only (403 for anyone else)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not roles_of(request.user).is_staff_member:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request: HttpRequest, rows: QuerySet[Any] | Sequence[Any]) -> Page[Any]:
    """The page of `rows` (PAGE_SIZE of them) that the request's `?page=` asks for: the first when
    it is no number, the last when it is past the end."""
    return Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's query string without `page`, for the links of the pager (filters stay on)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def render_list(request: HtmxHttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """One view serves the page and, for HTMX requests, only its `results` partial."""
    if request.htmx:
        template = f"{template}#results"
    return render(request, template, context)


def save_versioned_form[M: Model](
    request: HttpRequest,
    form: VersionedModelForm,
    update: Callable[..., list[str]],
    obj: M,
) -> list[str] | None:
    """Call a versioned update function, `update(obj, by=, values=, expected_version=)`, with the
    form's values and return the names of the changed fields. On a refusal (a conflicting edit, a
    broken rule) put its message on the form and return None, so the page re-renders as typed."""
    changed: list[str] = []
    with show_refusal(form) as outcome:
        changed = update(
            obj, by=request.user, values=form.domain_values(), expected_version=form.get_expected_version()
        )
    return changed if outcome.ok else None


def posted_and_saved[M: Model](
    request: HttpRequest,
    form: VersionedModelForm,
    update: Callable[..., list[str]],
    obj: M,
) -> bool:
    """Whether the request posted a valid form and the versioned update took it (see
    `save_versioned_form`); False on a GET, an invalid form or a refusal, so the page re-renders."""
    return (
        request.method == "POST"
        and form.is_valid()
        and save_versioned_form(request, form, update, obj) is not None
    )


def run_step[T](request: HttpRequest, step: Callable[..., object], obj: T, *, done: str) -> bool:
    """A button without a form: call the domain function `step(obj, by=request.user)` and show
    `done` as a success message, or its refusal as an error message, on the next page. Returns
    whether the step was taken."""
    with show_refusal(request) as outcome:
        step(obj, by=request.user)
    if outcome.ok:
        messages.success(request, done)
    return outcome.ok


def show_saved(request: HttpRequest, changed: Sequence[str], done: str) -> None:
    """The message after a save that may change nothing: `done` when fields changed, else that
    nothing was changed."""
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, _("Nothing was changed."))
