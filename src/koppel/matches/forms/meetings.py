"""Forms for meeting logs (REL-1, REL-5) and holiday periods (REL-4).

The meeting form is built for a phone: every choice is a radio button, the duration has quick
choices, and the date defaults to today.
"""

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import DATE_WIDGET, ErrorClassMixin, VersionedModelForm
from koppel.matches.models import HolidayPeriod, MeetingLog

QUICK_DURATIONS = (30, 60, 90, 120)
OTHER = "other"


def _duration_choices() -> list[tuple[str, str | Promise]]:
    return [
        *((str(n), _("%(n)s minutes") % {"n": n}) for n in QUICK_DURATIONS),
        (OTHER, _("Other")),
    ]


class MeetingForm(ErrorClassMixin, VersionedModelForm):
    duration = forms.ChoiceField(label=_("How long"), choices=_duration_choices, widget=forms.RadioSelect)
    duration_other = forms.IntegerField(
        label=_("Other duration, in minutes"), required=False, min_value=5, max_value=720
    )

    class Meta:
        model = MeetingLog
        fields = ["held_on", "place", "activity", "how_it_went", "note"]
        widgets = {
            "held_on": DATE_WIDGET,
            "place": forms.RadioSelect,
            "activity": forms.RadioSelect,
            "how_it_went": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["held_on", "duration", "duration_other", "activity", "place", "how_it_went", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("place", "activity", "how_it_went"):
            # RadioSelect on a model field with choices adds an empty "---------" choice; drop it.
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
        minutes = self.instance.duration_minutes if self.instance.pk else None
        if minutes in QUICK_DURATIONS:
            self.fields["duration"].initial = str(minutes)
        elif minutes:
            self.fields["duration"].initial = OTHER
            self.fields["duration_other"].initial = minutes

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        choice = cleaned.get("duration")
        if choice == OTHER:
            if cleaned.get("duration_other") is None and "duration_other" not in self.errors:
                self.add_error("duration_other", _("Say how many minutes the meeting took."))
        elif choice:
            cleaned["duration_other"] = None
        return cleaned

    def duration_minutes(self) -> int:
        choice = self.cleaned_data["duration"]
        return self.cleaned_data["duration_other"] if choice == OTHER else int(choice)

    def domain_values(self) -> dict:
        return {**super().domain_values(), "duration_minutes": self.duration_minutes()}


class HolidayForm(ErrorClassMixin, forms.ModelForm):
    class Meta:
        model = HolidayPeriod
        fields = ["name", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return cleaned
