"""The form for logging a support contact (SUP-1, SUP-2)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import DATE_WIDGET, ErrorClassMixin, model_choice_field
from koppel.matches.enums import ContactChannel, ContactWith, SupportTopic
from koppel.matches.models import Match
from koppel.people.models import Guardian, Mentor


class SupportContactForm(ErrorClassMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    with_whom = forms.ChoiceField(label=_("With"), choices=ContactWith.choices)
    mentor = forms.ModelChoiceField(label=_("Which mentor"), queryset=Mentor.objects.none(), required=False)
    guardian = forms.ModelChoiceField(
        label=_("Which parent or guardian"), queryset=Guardian.objects.none(), required=False
    )
    channel = forms.ChoiceField(label=_("How"), choices=ContactChannel.choices)
    topics = forms.MultipleChoiceField(
        label=_("Topics (SUP-2)"),
        choices=SupportTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label=_("Follow-up"), required=False, max_length=300)
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, match: Match, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mentors = Mentor.objects.filter(match_mentors__match=match).order_by("first_name", "id")
        guardians = Guardian.objects.filter(guardianships__youth_id=match.youth_id).order_by(
            "first_name", "id"
        )
        model_choice_field(self, "mentor").queryset = mentors
        model_choice_field(self, "guardian").queryset = guardians
        self._mentors = mentors
        self._guardians = guardians

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        with_whom = data.get("with_whom")
        # With one mentor or one guardian, who it was goes without saying.
        for party, name, options in (
            (ContactWith.MENTOR, "mentor", self._mentors),
            (ContactWith.GUARDIAN, "guardian", self._guardians),
        ):
            if with_whom != party:
                data[name] = None
            elif data.get(name) is None:
                found = list(options[:2])
                if len(found) == 1:
                    data[name] = found[0]
        if data.get("follow_up_on") and not data.get("follow_up"):
            self.add_error("follow_up", _("Say what to follow up on."))
        return data
