"""Forms for screening (SCR-1..4) and the mentor pipeline. They clean input and nothing more; the
rules live in koppel.people.domain.screening and koppel.people.domain.pipeline."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.forms import BoundField
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from koppel.accounts.models import User
from koppel.common.forms import (
    DATE_WIDGET,
    DATETIME_WIDGET,
    ErrorClassMixin,
    VersionedModelForm,
    choice_field,
    model_choice_field,
)
from koppel.people.domain.screening import REVIEW_DECISIONS, screening_profile_code
from koppel.people.enums import (
    DisclosureDecision,
    InterviewKind,
    MentorQuality,
    MentorStatus,
    ScreeningProfile,
    VogOutcome,
)
from koppel.people.models import ConductCertificate, Interview, Mentor, Reference, SelfDisclosure

SCORES = [("", "-")] + [(str(i), str(i)) for i in range(1, 6)]


def programme_staff(mentor: Mentor) -> QuerySet[User]:
    """The coordinators of the mentor's programme and the administrators of its organisation."""
    return (
        User.objects.filter(
            Q(coordinator_roles__programme_id=mentor.programme_id)
            | Q(administrator_roles__organisation_id=mentor.programme.organisation_id)
        )
        .distinct()
        .order_by("name", "email")
    )


def _not_in_future(value: date | None) -> date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return value


class InterviewForm(ErrorClassMixin, VersionedModelForm):
    """SCR-1 and SCR-4: the interview record, with every quality rated 1-5 and an optional remark."""

    class Meta:
        model = Interview
        fields = [
            "planned_for",
            "held_on",
            "kind",
            "interviewer",
            "responsibilities_explained",
            "motivation",
            "attitude_ideas",
            "recommendation",
        ]
        widgets = {"planned_for": DATETIME_WIDGET, "held_on": DATE_WIDGET}

    def __init__(self, *args: Any, mentor: Mentor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "interviewer").queryset = programme_staff(mentor)
        self.quality_rows = []
        stored = self.instance.qualities or {}
        for quality in MentorQuality:
            score_name, remark_name = f"score_{quality.value}", f"remark_{quality.value}"
            self.fields[score_name] = forms.TypedChoiceField(
                label=quality.label, choices=SCORES, coerce=int, empty_value=None, required=False
            )
            self.fields[remark_name] = forms.CharField(
                label=format_lazy("{}: {}", _("Remark"), quality.label), required=False, max_length=500
            )
            rating = stored.get(quality.value) or {}
            self.fields[score_name].initial = rating.get("score")
            self.fields[remark_name].initial = rating.get("remark", "")
            self.quality_rows.append((score_name, remark_name))

    def quality_fields(self) -> list[tuple[BoundField, BoundField]]:
        return [(self[score], self[remark]) for score, remark in self.quality_rows]

    def clean_held_on(self) -> date | None:
        return _not_in_future(self.cleaned_data.get("held_on"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("planned_for") and not data.get("held_on") and "held_on" not in self.errors:
            self.add_error(None, _("Enter when the interview is planned or when it was held."))
        qualities = {}
        for score_name, remark_name in self.quality_rows:
            code = score_name.removeprefix("score_")
            score, remark = data.get(score_name), (data.get(remark_name) or "").strip()
            if score is None and remark:
                self.add_error(score_name, _("Give a score from 1 to 5 with the remark."))
            elif score is not None:
                qualities[code] = {"score": score, "remark": remark}
        data["qualities"] = qualities
        return data

    def domain_values(self) -> dict:
        return {**super().domain_values(), "qualities": self.cleaned_data["qualities"]}


class ReferenceForm(ErrorClassMixin, VersionedModelForm):
    class Meta:
        model = Reference
        fields = ["name", "relation", "email", "phone", "contacted_on", "outcome", "notes"]
        widgets = {"contacted_on": DATE_WIDGET}

    def __init__(self, *args: Any, mentor: Mentor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean_contacted_on(self) -> date | None:
        return _not_in_future(self.cleaned_data.get("contacted_on"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(_("Enter an e-mail address or a phone number of the reference."))
        return data


class VogForm(ErrorClassMixin, VersionedModelForm):
    """SCR-2: the facts of the certificate of conduct. There is deliberately no file field."""

    class Meta:
        model = ConductCertificate
        fields = [
            "requested_on",
            "screening_profile",
            "outcome",
            "issued_on",
            "original_seen_by",
            "original_seen_on",
        ]
        widgets = {"requested_on": DATE_WIDGET, "issued_on": DATE_WIDGET, "original_seen_on": DATE_WIDGET}

    def __init__(self, *args: Any, mentor: Mentor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "original_seen_by").queryset = programme_staff(mentor)
        self.fields["outcome"].help_text = _("SCR-3: a refused VOG disqualifies the mentor for good.")
        # A known profile is stored as its code; the field shows its name in the page's language.
        profile = self.initial.get("screening_profile", self.fields["screening_profile"].initial)
        if profile in ScreeningProfile.values:
            self.initial["screening_profile"] = ScreeningProfile(profile).label

    def clean_screening_profile(self) -> str:
        return screening_profile_code(self.cleaned_data.get("screening_profile") or "")

    def clean_requested_on(self) -> date | None:
        return _not_in_future(self.cleaned_data.get("requested_on"))

    def clean_issued_on(self) -> date | None:
        return _not_in_future(self.cleaned_data.get("issued_on"))

    def clean_original_seen_on(self) -> date | None:
        return _not_in_future(self.cleaned_data.get("original_seen_on"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        requested, issued = data.get("requested_on"), data.get("issued_on")
        if data.get("outcome") == VogOutcome.ISSUED and not issued:
            self.add_error("issued_on", _("Enter the issue date of the certificate."))
        if data.get("outcome") != VogOutcome.ISSUED and issued:
            self.add_error("outcome", _("A certificate with an issue date has the outcome 'issued'."))
        if requested and issued and issued < requested:
            self.add_error("issued_on", _("The issue date cannot be before the request date."))
        if bool(data.get("original_seen_by")) != bool(data.get("original_seen_on")):
            self.add_error("original_seen_on", _("Enter both who saw the original and on which date."))
        return data


class DisclosureForm(ErrorClassMixin, VersionedModelForm):
    class Meta:
        model = SelfDisclosure
        fields = [
            "submitted_on",
            "child_sexual_offence",
            "child_offence",
            "other_conviction",
            "other_details",
        ]
        widgets = {"submitted_on": DATE_WIDGET}

    def __init__(self, *args: Any, mentor: Mentor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child_offence"].help_text = _(
            "SCR-3: an offence involving children disqualifies the mentor automatically and for good."
        )

    def clean_submitted_on(self) -> date | None:
        return _not_in_future(self.cleaned_data.get("submitted_on"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("other_conviction") and not (data.get("other_details") or "").strip():
            self.add_error("other_details", _("Describe the other conviction, for the coordinator's review."))
        return data


class DisclosureReviewForm(ErrorClassMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(d.value, d.label) for d in DisclosureDecision if d in REVIEW_DECISIONS],
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False, max_length=5000)


class TransitionForm(ErrorClassMixin, forms.Form):
    """Move a mentor along the pipeline. 'resume' returns a paused mentor to where they were."""

    to = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("Only staff see this."),
    )
    planned_for = forms.DateTimeField(
        label=_("Interview planned for"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Only when the new status is 'Interview planned'."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of interview"),
        choices=InterviewKind.choices,
        initial=InterviewKind.HOME_VISIT,
        required=False,
        help_text=_("SCR-1: a home visit is preferred."),
    )

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {**dict(MentorStatus.choices), "resume": _("Resume (back to where the mentor was)")}
        choice_field(self, "to").choices = [(s, labels[s]) for s in statuses]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("to") == MentorStatus.INTERVIEW_PLANNED:
            if not data.get("planned_for"):
                self.add_error("planned_for", _("Enter when the interview is planned."))
            data["kind"] = data.get("kind") or InterviewKind.HOME_VISIT
        return data
