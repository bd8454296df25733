"""Forms for moving a match through its states (the agreement and closure have their own)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.accounts.models import User
from koppel.common.forms import DATE_WIDGET, ErrorClassMixin, model_choice_field
from koppel.people.domain.queries.visible import coordinators_of_programmes_of
from koppel.people.domain.roles import AnyUser


class IntroduceForm(ErrorClassMixin, forms.Form):
    on = forms.DateField(label=_("Date of the first meeting"), widget=DATE_WIDGET)
    staff_member: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Staff member present"), queryset=None
    )
    note = forms.CharField(
        label=_("How the first meeting went"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = model_choice_field(self, "staff_member")
        field.queryset = coordinators_of_programmes_of(user)
        field.initial = user.pk


class ActivateForm(ErrorClassMixin, forms.Form):
    started_on = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)


class PauseForm(ErrorClassMixin, forms.Form):
    since = forms.DateField(label=_("Paused since"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Why"), max_length=300)
