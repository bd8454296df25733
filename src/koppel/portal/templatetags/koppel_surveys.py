"""Template tags of the portal's survey blocks."""

from django import template

from koppel.accounts.models import User
from koppel.surveys.domain.queries.assignments import open_surveys
from koppel.surveys.models import Assignment

register = template.Library()


@register.simple_tag
def open_surveys_of(user: User) -> list[Assignment]:
    """The user's own surveys that can be answered now (the portal home's block); one query."""
    return list(open_surveys(user)[:10])
