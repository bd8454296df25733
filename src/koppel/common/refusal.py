"""A domain function's refusal, shown where the person who asked for the change reads it.

Every page that changes something calls one domain function, which raises `DomainError` with a
translated message when it refuses (a broken rule, a conflicting edit). The page shows that message:
on the form it re-renders (as a non-field error or on one field) or, for a button without a form, as
a message after the redirect. Staff and portal views write it as

    with show_refusal(form) as outcome:
        person = create_mentor(programme, by=request.user, values=form.domain_values())
    if outcome.ok:
        messages.success(request, ...)
        return redirect(...)
    return render(...)  # the form, with the refusal on it
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from koppel.common.domain.errors import DomainError


@dataclass
class Outcome:
    """What became of the domain call inside `show_refusal`: done, or refused with `refusal`."""

    refusal: str | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


@contextmanager
def show_refusal(target: BaseForm | HttpRequest, *, field: str | None = None) -> Iterator[Outcome]:
    """Run the block; a `DomainError` it raises ends the block and its message goes to `target`:
    a form gets it as an error (on `field`, or for the whole form), a request as an error message
    for the next page. Any other exception passes through."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as refusal:
        outcome.refusal = str(refusal.message)
        if isinstance(target, HttpRequest):
            messages.error(target, outcome.refusal)
        else:
            target.add_error(field, outcome.refusal)
