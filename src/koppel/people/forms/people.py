import re
from datetime import date
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import DATE_WIDGET, ErrorClassMixin, VersionedModelForm, model_choice_field
from koppel.people.domain.intake import YOUTH_INTAKE_FIELDS
from koppel.people.domain.queries.visible import (
    coordinators_of_programmes_of,
    guardians_visible_to,
    programmes_visible_to,
)
from koppel.people.domain.roles import AnyUser
from koppel.people.enums import (
    AVAILABILITY_SLOTS,
    GoalArea,
    GuardianRelation,
    MentorMotive,
    PersonalityTrait,
    SpokenLanguage,
    availability_label,
)
from koppel.people.models import Guardian, Interest, Mentor, Youth
from koppel.people.models.people import age_on

POSTCODE_RE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})\s*$")
SCALE = [("", "-")] + [(str(i), str(i)) for i in range(1, 6)]


def clean_postcode(value: str) -> str:
    if not value:
        return ""
    match = POSTCODE_RE.match(value)
    if not match:
        raise forms.ValidationError(_("Enter a Dutch postcode such as 3072 AB."))
    return f"{match.group(1)}{match.group(2).upper()}"


def check_age(born: date, low: int, high: int) -> date:
    """The date of birth, if the age it gives lies between `low` and `high` years."""
    age = age_on(born, timezone.localdate())
    if age is None or not low <= age <= high:
        raise forms.ValidationError(
            _("The age from this date of birth must be between %(low)s and %(high)s years."),
            params={"low": low, "high": high},
        )
    return born


class PersonFormBase(ErrorClassMixin, VersionedModelForm):
    """Fields mentors and youth share; `user` limits the programme and coordinator choices."""

    AGE_RANGE = (6, 99)

    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=SpokenLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("Weekly availability"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(slot, availability_label(slot)) for slot in AVAILABILITY_SLOTS],
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Interests"),
        queryset=Interest.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget = DATE_WIDGET
        self.personality_fields = []
        for trait in PersonalityTrait:
            name = f"personality_{trait.value}"
            self.fields[name] = forms.TypedChoiceField(
                label=trait.label, choices=SCALE, coerce=int, empty_value=None, required=False
            )
            self.fields[name].initial = (self.instance.personality or {}).get(trait.value)
            self.personality_fields.append(name)
        if "programme" in self.fields:
            model_choice_field(self, "programme").queryset = programmes_visible_to(user)
        model_choice_field(self, "coordinator").queryset = coordinators_of_programmes_of(user)

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data.get("postcode", ""))

    def clean_date_of_birth(self) -> date:
        return check_age(self.cleaned_data["date_of_birth"], *self.AGE_RANGE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("languages", "availability", "motives", "goal_areas"):
            if isinstance(data.get(name), list):
                data[name] = sorted(data[name])
        data["personality"] = {
            trait.value: data[f"personality_{trait.value}"]
            for trait in PersonalityTrait
            if data.get(f"personality_{trait.value}") is not None
        }
        return data

    def domain_values(self) -> dict:
        values = super().domain_values()
        values["personality"] = self.cleaned_data["personality"]
        values.pop("programme", None)
        return values


PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "email",
    "phone",
    "preferred_language",
    "languages",
    "cultural_background",
    "postcode",
    "neighbourhood",
    "school_type",
    "school_year",
    "interests",
    "interests_other",
    "values_beliefs",
    "availability",
    "coordinator",
]


class NeighbourhoodsField(forms.CharField):
    """A list of neighbourhood names, typed as one line separated by commas."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    # The field's value is the list of names, not CharField's text: a CharField still, for its text
    # input, length limit and stripping.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        # CharField's own check for NUL characters would see the list, not the text: check the text.
        for validator in self.validators:
            if isinstance(validator, ProhibitNullCharactersValidator):
                validator(text)
        names = [" ".join(part.split()) for part in text.split(",")]
        return sorted({name for name in names if name}, key=str.casefold)


GOAL_AREAS_FIELD = forms.MultipleChoiceField(
    label=_("Goal areas"),
    choices=GoalArea.choices,
    required=False,
    widget=forms.CheckboxSelectMultiple,
    help_text=_("YTH-2, MAT-1: the areas of the goals, to meet them with the mentor's motives."),
)

WISH_LANGUAGE_FIELD = forms.ChoiceField(
    label=_("Wished language of the mentor"),
    required=False,
    choices=[("", _("No preference")), *SpokenLanguage.choices],
)


class MentorForm(PersonFormBase):
    AGE_RANGE = (14, 99)

    travel_neighbourhoods = NeighbourhoodsField(
        label=_("Neighbourhoods the mentor will travel to"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas. Youth living there can be matched whatever the distance."),
    )

    motives = forms.MultipleChoiceField(
        label=_("Motives"),
        choices=MentorMotive.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("REC-2: why this person wants to become a mentor."),
    )

    class Meta:
        model = Mentor
        fields = [
            "programme",
            *PROFILE_FIELDS,
            "occupation",
            "motives",
            "capacity",
            "adult_supervisor",
            "travel_neighbourhoods",
        ]


class YouthForm(PersonFormBase):
    AGE_RANGE = (6, 25)

    goal_areas = GOAL_AREAS_FIELD
    wish_language = WISH_LANGUAGE_FIELD

    class Meta:
        model = Youth
        fields = [
            "programme",
            *PROFILE_FIELDS,
            *YOUTH_INTAKE_FIELDS,
        ]


class GuardianForm(ErrorClassMixin, VersionedModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=SpokenLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Guardian
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "preferred_language",
            "languages",
            "postcode",
        ]

    def __init__(self, *args: Any, user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data.get("postcode", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(
                _("Enter an e-mail address or a phone number, so the programme can reach this person.")
            )
        return data


class LinkGuardianForm(ErrorClassMixin, forms.Form):
    guardian = forms.ModelChoiceField(label=_("Parent or guardian"), queryset=Guardian.objects.none())
    relation = forms.ChoiceField(label=_("Relation"), choices=GuardianRelation.choices)
    has_parental_authority = forms.BooleanField(
        label=_("Has parental authority"), required=False, initial=True
    )

    def __init__(self, *args: Any, user: AnyUser, youth: Youth, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "guardian").queryset = (
            guardians_visible_to(user)
            .filter(organisation_id=youth.programme.organisation_id)
            .exclude(guardianships__youth=youth)
        )
