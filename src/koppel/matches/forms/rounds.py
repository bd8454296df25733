"""The form that starts a match round: the programme, and filters to narrow its youth and mentors."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import ErrorClassMixin, model_choice_field
from koppel.people.domain.queries.visible import programmes_visible_to
from koppel.people.domain.roles import AnyUser
from koppel.people.enums import Gender, SchoolType
from koppel.programmes.models import Programme


class RoundStartForm(ErrorClassMixin, forms.Form):
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None
    )
    youth_neighbourhood = forms.CharField(
        label=_("Youth: neighbourhood contains"), required=False, max_length=100
    )
    youth_school_type = forms.ChoiceField(
        label=_("Youth: school type"), required=False, choices=[("", _("Any")), *SchoolType.choices]
    )
    youth_min_waiting_days = forms.IntegerField(
        label=_("Youth: waiting at least (days)"), required=False, min_value=0, max_value=3650
    )
    mentor_neighbourhood = forms.CharField(
        label=_("Mentors: neighbourhood contains"), required=False, max_length=100
    )
    mentor_gender = forms.ChoiceField(
        label=_("Mentors: gender"), required=False, choices=[("", _("Any")), *Gender.choices]
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "programme")
        field.queryset = programmes_visible_to(user).order_by("name")

    def youth_filter(self) -> dict:
        data = self.cleaned_data
        return {
            key: value
            for key, value in {
                "neighbourhood": data["youth_neighbourhood"].strip(),
                "school_type": data["youth_school_type"],
                "min_waiting_days": data["youth_min_waiting_days"],
            }.items()
            if value not in ("", None)
        }

    def mentor_filter(self) -> dict:
        data = self.cleaned_data
        return {
            key: value
            for key, value in {
                "neighbourhood": data["mentor_neighbourhood"].strip(),
                "gender": data["mentor_gender"],
            }.items()
            if value not in ("", None)
        }
