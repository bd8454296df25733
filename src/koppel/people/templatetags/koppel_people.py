from django import template

from koppel.people.enums import (
    AVAILABILITY_SLOTS,
    GoalArea,
    MentorMotive,
    PersonalityTrait,
    SpokenLanguage,
    availability_label,
)

register = template.Library()


def _labels(codes, choices) -> list[str]:
    names = dict(choices)
    return [str(names.get(code, code)) for code in codes or []]


@register.filter
def language_names(codes) -> list[str]:
    return _labels(codes, SpokenLanguage.choices)


@register.filter
def motive_names(codes) -> list[str]:
    return _labels(codes, MentorMotive.choices)


@register.filter
def goal_area_names(codes) -> list[str]:
    return _labels(codes, GoalArea.choices)


@register.filter
def availability_labels(slots) -> list[str]:
    order = {slot: i for i, slot in enumerate(AVAILABILITY_SLOTS)}
    return [availability_label(s) for s in sorted(slots or [], key=lambda s: order.get(s, 99)) if s in order]


@register.filter
def personality_rows(personality) -> list[tuple[str, int]]:
    personality = personality or {}
    return [(str(t.label), personality[t.value]) for t in PersonalityTrait if t.value in personality]
