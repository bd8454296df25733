"""Forms for the agreement (AGR-1, REL-3, REL-4) and for consent to it."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import DATE_WIDGET, ErrorClassMixin, choice_field
from koppel.matches.domain.agreement import AGREEMENT_FIELDS
from koppel.matches.models import Agreement
from koppel.programmes.enums import Location
from koppel.programmes.models import Programme


class AgreementForm(ErrorClassMixin, forms.ModelForm):
    """A new version of the agreement. `seen_number` is the latest version the writer saw, so a
    version written by someone else meanwhile is not silently replaced."""

    seen_number = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Agreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "start_date": DATE_WIDGET,
            "goals": forms.Textarea(attrs={"rows": 3}),
            "holiday_expectations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        # REL-3: only the places the programme allows (all of them when it names none).
        if programme.locations:
            allowed = set(programme.locations)
            choice_field(self, "place").choices = [
                (v, label) for v, label in Location.choices if v in allowed
            ]
        if programme.settings.holiday_expectations_required:  # REL-4
            self.fields["holiday_expectations"].required = True

    def domain_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in AGREEMENT_FIELDS}


class ConsentForm(ErrorClassMixin, forms.Form):
    typed_name = forms.CharField(
        label=_("Type your full name"),
        max_length=200,
        help_text=_("Your first name and last name. This is your signature."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    agree = forms.BooleanField(label=_("I have read the agreement and I agree to it."), required=True)


class PaperConsentForm(ErrorClassMixin, forms.Form):
    typed_name = forms.CharField(
        label=_("Name as signed on paper"),
        max_length=200,
        help_text=_("The full name of the person who signed (first name and last name)."),
    )
    given_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET)
