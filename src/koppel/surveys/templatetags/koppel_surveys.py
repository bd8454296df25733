"""Template tags of the survey pages."""

from django import template

from koppel.surveys.domain.queries.assignments import open_surveys

register = template.Library()


@register.simple_tag
def open_surveys_of(user):
    """The user's own surveys that can be answered now (the portal home's block); one query."""
    return list(open_surveys(user)[:10])
