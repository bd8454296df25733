"""The form for proposing a pair by hand (MAT-6)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.forms import ErrorClassMixin, model_choice_field
from koppel.matches.domain import adapter
from koppel.matches.enums import MatchOrigin
from koppel.people.domain.queries.visible import staff_mentors, staff_youth
from koppel.people.domain.roles import AnyUser
from koppel.people.models import Mentor, Youth
from koppel.programmes.models import Programme


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Youth | Mentor) -> str:
        return obj.full_name


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Mentor) -> str:
        return obj.full_name


class PairForm(ErrorClassMixin, forms.Form):
    """A waiting youth of the programme and one available mentor (a team of mentors in a team
    programme, REL-3), where the pair comes from, and a short note.

    The choices are the programme's waiting youth and available mentors as the user may see them, so
    a person of another programme posted by id is an invalid choice, never a match.
    """

    # One youth: "Jongere", not the plural "Jongeren" of the menu and the lists.
    youth = _PersonChoice(label=pgettext_lazy("one person", "Youth"), queryset=None)
    mentors = _PersonChoice(label=_("Mentor"), queryset=None)
    origin = forms.ChoiceField(
        label=_("Why this pair"),
        choices=[(o.value, o.label) for o in MatchOrigin if o != MatchOrigin.ROUND],
        widget=forms.RadioSelect,
        help_text=_("MAT-6: a match may also come from a natural click or a mentor the youth proposes."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("A short note for the team; no sensitive details."),
    )

    def __init__(self, *args: Any, programme: Programme, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        youth = adapter.waiting_youth(programme).filter(pk__in=staff_youth(user).values("pk"))
        mentors = adapter.available_mentors(programme).filter(pk__in=staff_mentors(user).values("pk"))
        model_choice_field(self, "youth").queryset = youth.order_by("last_name", "first_name", "pk")
        mentors = mentors.order_by("last_name", "first_name", "pk")
        if programme.is_team:
            self.fields["mentors"] = _PeopleChoice(
                label=_("Mentors"),
                queryset=mentors,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("REL-3: a team of %(low)s to %(high)s mentors.")
                % {"low": programme.team_size_min, "high": programme.team_size_max},
            )
        else:
            model_choice_field(self, "mentors").queryset = mentors

    def clean_mentors(self) -> list:
        """Always a list of mentors; a team's size within the programme's range (REL-3)."""
        chosen = self.cleaned_data["mentors"]
        if not self.programme.is_team:
            return [chosen]
        chosen = list(chosen)
        low, high = self.programme.team_size_min, self.programme.team_size_max
        if not low <= len(chosen) <= high:
            raise forms.ValidationError(
                _("Choose between %(low)s and %(high)s mentors for a team (REL-3)."),
                params={"low": low, "high": high},
                code="team_size",
            )
        return chosen
