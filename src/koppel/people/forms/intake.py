"""The intake page's two forms: the intake record, and the youth's own goals and wishes."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import DATE_WIDGET, ErrorClassMixin, VersionedModelForm, model_choice_field
from koppel.people.domain.intake import YOUTH_INTAKE_FIELDS
from koppel.people.forms.people import GOAL_AREAS_FIELD, WISH_LANGUAGE_FIELD
from koppel.people.models import Guardian, Intake, Interest, Youth


class IntakeForm(ErrorClassMixin, VersionedModelForm):
    """YTH-1 (what the youth was told), YTH-2 (motivation, commitment), YTH-3 wishes, consent."""

    wish_interests = forms.ModelMultipleChoiceField(
        label=_("Interests the mentor should share"),
        queryset=Interest.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Intake
        fields = [
            "held_on",
            "informed_benefits_challenges",
            "informed_volunteer",
            "motivation",
            "committed",
            "wish_interests",
            "wish_kind_of_person",
            "wish_age_min",
            "wish_age_max",
            "wish_location",
            "guardian_consent",
            "consent_by",
            "consent_on",
        ]
        widgets = {"held_on": DATE_WIDGET, "consent_on": DATE_WIDGET}

    def __init__(self, *args: Any, youth: Youth, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this youth's own parents and guardians can give the consent.
        consent_by = model_choice_field(self, "consent_by")
        consent_by.queryset = Guardian.objects.filter(guardianships__youth=youth)
        self.fields["informed_benefits_challenges"].help_text = _(
            "YTH-1: a clear picture of what the programme offers and asks, before starting."
        )
        self.fields["informed_volunteer"].help_text = _(
            "YTH-1: the mentor is a volunteer, not a professional."
        )
        self.fields["committed"].help_text = _(
            "YTH-2: the youth commits to invest, be reliable, open up and own the goal."
        )
        self.fields["wish_kind_of_person"].help_text = _("YTH-3: in the youth's own words.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("wish_age_min"), data.get("wish_age_max")
        if low is not None and high is not None and low > high:
            self.add_error("wish_age_max", _("The highest age must not be below the lowest age."))
        if data.get("guardian_consent") and not data.get("consent_on"):
            self.add_error("consent_on", _("Enter the date on which the consent was given."))
        return data


class YouthWishesForm(ErrorClassMixin, VersionedModelForm):
    """The youth's goal (YTH-2) and wishes (YTH-3), and how much a shared background matters (MAT-5)."""

    goal_areas = GOAL_AREAS_FIELD
    wish_language = WISH_LANGUAGE_FIELD

    class Meta:
        model = Youth
        fields = list(YOUTH_INTAKE_FIELDS)
        widgets = {"cultural_match": forms.RadioSelect}
