"""Recruitment forms (REC-1..3): campaigns, the public mentor application, natural-mentor proposals
and the registration of a youth by a parent or guardian or a referring professional."""

from datetime import date
from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import (
    DATE_WIDGET,
    ErrorClassMixin,
    VersionedModelForm,
    choice_field,
    meta_fields,
    model_choice_field,
)
from koppel.common.validators import validate_phone
from koppel.people.domain.queries.visible import (
    coordinators_of_programmes_of,
    guardians_visible_to,
    programmes_visible_to,
)
from koppel.people.domain.roles import AnyUser
from koppel.people.enums import (
    AVAILABILITY_SLOTS,
    GuardianRelation,
    MentorMotive,
    NaturalMentorRelation,
    SpokenLanguage,
    UILanguage,
    YouthReferral,
    availability_label,
)
from koppel.people.forms.people import MentorForm, YouthForm, check_age, clean_postcode
from koppel.people.models import Campaign, Guardian, Interest, Mentor, RepeatApplication, Youth

MENTOR_AGE = MentorForm.AGE_RANGE
YOUTH_AGE = YouthForm.AGE_RANGE


def _site_language() -> str:
    language = (get_language() or "nl")[:2]
    return language if language in UILanguage.values else UILanguage.NL


# --- Campaigns ------------------------------------------------------------------------------------


class CampaignForm(ErrorClassMixin, VersionedModelForm):
    class Meta:
        model = Campaign
        fields = [
            "programme",
            "name",
            "channel",
            "target_group",
            "motive",
            "message",
            "starts_on",
            "ends_on",
            "is_active",
        ]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "programme").queryset = programmes_visible_to(user)
        if self.instance.pk:
            # A campaign's applicants belong to its programme; it does not move.
            self.fields["programme"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data

    def domain_values(self) -> dict:
        values = super().domain_values()
        values.pop("programme", None)
        return values


# --- The public mentor application (REC-2) --------------------------------------------------------


class MentorApplicationForm(ErrorClassMixin, forms.ModelForm):
    """What someone who wants to become a mentor tells the programme about themselves.

    `website` is a honeypot: hidden from people by CSS, filled in only by bots.
    """

    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=SpokenLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    motives = forms.MultipleChoiceField(
        label=_("Why do you want to become a mentor?"),
        choices=MentorMotive.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what applies to you."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you usually available?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(slot, availability_label(slot)) for slot in AVAILABILITY_SLOTS],
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Your interests"),
        queryset=Interest.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    privacy = forms.BooleanField(
        label=_("I agree that the programme keeps these details to handle my application."),
        error_messages={
            "required": _("Without your agreement the programme cannot handle your application.")
        },
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Mentor
        fields = [
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "email",
            "phone",
            "postcode",
            "preferred_language",
            "languages",
            "occupation",
            "motives",
            "availability",
            "interests",
            "motivation",
        ]
        widgets = {"date_of_birth": DATE_WIDGET}
        labels = {
            "preferred_language": _("Language for our messages to you"),
            "motivation": _("In your own words: what do you hope to bring to a young person?"),
        }

    # The model keeps the motivation as unlimited text; a public form does not take unlimited text.
    MOTIVATION_MAX = 2000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["preferred_language"].initial = _site_language()
        # The model's text field gives a CharField, without a max_length of its own.
        motivation = cast(forms.CharField, self.fields["motivation"])
        motivation.max_length = self.MOTIVATION_MAX
        motivation.validators.append(MaxLengthValidator(self.MOTIVATION_MAX))
        motivation.widget.attrs["maxlength"] = str(self.MOTIVATION_MAX)

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data.get("postcode", ""))

    def clean_date_of_birth(self) -> date:
        return check_age(self.cleaned_data["date_of_birth"], *MENTOR_AGE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("languages", "availability", "motives"):
            if isinstance(data.get(name), list):
                data[name] = sorted(data[name])
        return data

    def domain_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in meta_fields(self) if name in self.cleaned_data}


# --- The natural-mentor proposal (REC-1) ----------------------------------------------------------


class NaturalMentorForm(ErrorClassMixin, forms.Form):
    youth = forms.ModelChoiceField(label=_("For"), queryset=Youth.objects.none(), empty_label=None)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = forms.CharField(
        label=_("Phone number"), max_length=30, required=False, validators=[validate_phone]
    )
    relation = forms.ChoiceField(
        label=_("How do they know the youth?"), choices=NaturalMentorRelation.choices
    )

    def __init__(self, *args: Any, youth_choices: QuerySet[Youth], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "youth").queryset = youth_choices
        choices = list(youth_choices)
        if len(choices) == 1:
            self.fields["youth"].initial = choices[0].pk
            self.fields["youth"].widget = forms.HiddenInput()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_date_of_birth(self) -> date:
        return check_age(self.cleaned_data["date_of_birth"], *MENTOR_AGE)

    def domain_values(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("first_name", "last_name", "date_of_birth", "email", "phone")
        }


# --- Youth registration by a guardian or a referring professional ---------------------------------

PROFESSIONAL_REFERRALS = {YouthReferral.SCHOOL, YouthReferral.YOUTH_WORK, YouthReferral.OTHER_PROFESSIONAL}


class YouthRegistrationForm(ErrorClassMixin, forms.ModelForm):
    """The youth, who brought them in, the parent or guardian (existing or new) and their consent."""

    guardian = forms.ModelChoiceField(
        label=_("Existing parent or guardian"),
        queryset=Guardian.objects.none(),
        required=False,
        help_text=_("For instance of a brother or sister. Leave empty to register a new one below."),
    )
    guardian_first_name = forms.CharField(
        label=_("First name of the parent or guardian"), max_length=100, required=False
    )
    guardian_last_name = forms.CharField(
        label=_("Last name of the parent or guardian"), max_length=150, required=False
    )
    guardian_email = forms.EmailField(
        label=_("E-mail address of the parent or guardian"), max_length=254, required=False
    )
    guardian_phone = forms.CharField(
        label=_("Phone number of the parent or guardian"),
        max_length=30,
        required=False,
        validators=[validate_phone],
    )
    guardian_language = forms.ChoiceField(
        label=_("Preferred language of the parent or guardian"), choices=UILanguage.choices
    )
    relation = forms.ChoiceField(label=_("Relation to the youth"), choices=GuardianRelation.choices)
    has_parental_authority = forms.BooleanField(
        label=_("Has parental authority"), required=False, initial=True
    )
    guardian_consent = forms.BooleanField(
        label=_("The parent or guardian consents to the youth taking part"), required=False
    )
    consent_on = forms.DateField(label=_("Consent given on"), widget=DATE_WIDGET, required=False)

    # How the page groups the fields.
    GROUPS = {
        "youth_fields": (
            "programme",
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "email",
            "phone",
            "postcode",
            "preferred_language",
            "school_type",
            "school_year",
            "coordinator",
        ),
        "referral_fields": ("referral", "referrer_name", "referrer_organisation"),
        "guardian_fields": (
            "guardian",
            "guardian_first_name",
            "guardian_last_name",
            "guardian_email",
            "guardian_phone",
            "guardian_language",
            "relation",
            "has_parental_authority",
        ),
        "consent_fields": ("guardian_consent", "consent_on"),
    }

    GUARDIAN_FIELDS = {
        "guardian_first_name": "first_name",
        "guardian_last_name": "last_name",
        "guardian_email": "email",
        "guardian_phone": "phone",
        "guardian_language": "preferred_language",
    }

    class Meta:
        model = Youth
        fields = [
            "programme",
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "email",
            "phone",
            "postcode",
            "preferred_language",
            "school_type",
            "school_year",
            "referral",
            "referrer_name",
            "referrer_organisation",
            "coordinator",
        ]
        widgets = {"date_of_birth": DATE_WIDGET}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "programme").queryset = programmes_visible_to(user)
        model_choice_field(self, "coordinator").queryset = coordinators_of_programmes_of(user)
        model_choice_field(self, "guardian").queryset = guardians_visible_to(user).order_by(
            "last_name", "first_name"
        )
        self.fields["consent_on"].initial = timezone.localdate()

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data.get("postcode", ""))

    def clean_date_of_birth(self) -> date:
        return check_age(self.cleaned_data["date_of_birth"], *YOUTH_AGE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("referral") in PROFESSIONAL_REFERRALS:
            for name in ("referrer_name", "referrer_organisation"):
                if not data.get(name):
                    self.add_error(name, _("Fill in who referred the youth, and from which organisation."))
        guardian = data.get("guardian")
        programme = data.get("programme")
        if guardian is not None:
            if programme is not None and guardian.organisation_id != programme.organisation_id:
                self.add_error("guardian", _("This parent or guardian belongs to another organisation."))
        else:
            for name in ("guardian_first_name", "guardian_last_name"):
                if not data.get(name):
                    self.add_error(
                        name, _("Choose an existing parent or guardian, or fill in the new one's name.")
                    )
            if not data.get("guardian_email") and not data.get("guardian_phone"):
                self.add_error(
                    "guardian_email",
                    _("Enter an e-mail address or a phone number, so the programme can reach this person."),
                )
        return data

    def youth_values(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in meta_fields(self)
            if name != "programme" and name in self.cleaned_data
        }

    def guardian_values(self) -> dict | None:
        if self.cleaned_data.get("guardian") is not None:
            return None
        return {model_name: self.cleaned_data[name] for name, model_name in self.GUARDIAN_FIELDS.items()}


# --- A second application, reviewed by a coordinator ----------------------------------------------


def _verbose_name(name: str) -> str | Promise:
    """The label of a mentor's field (a submitted value is one of the mentor's own fields, never a
    relation pointing at the mentor)."""
    return cast(models.Field, Mentor._meta.get_field(name)).verbose_name


class RepeatApplicationMergeForm(ErrorClassMixin, forms.Form):
    """Which submitted values of a second application to copy into the mentor (none: set it aside).

    Carries the mentor's version, so an edit of the mentor in between is not overwritten."""

    fields_to_copy = forms.MultipleChoiceField(
        label=_("Copy these submitted values into the mentor"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, application: RepeatApplication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "fields_to_copy").choices = [
            (name, _verbose_name(name)) for name in application.values
        ]
        self.fields["expected_version"].initial = application.mentor.version
