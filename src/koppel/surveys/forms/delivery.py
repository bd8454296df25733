"""Forms of survey delivery: a programme's schedules, answering a survey, filtering the list."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import DATE_WIDGET, ErrorClassMixin, VersionedModelForm, model_choice_field
from koppel.surveys.enums import AssignmentStatus, Moment, Respondent
from koppel.surveys.models import Assignment, Instrument, Item, SurveySchedule


class ScheduleForm(ErrorClassMixin, VersionedModelForm):
    """Add a schedule, or change one (then only the window and whether it is active)."""

    class Meta:
        model = SurveySchedule
        fields = ["instrument", "respondent", "moment", "months", "window_days", "active"]

    def __init__(self, *args: Any, instruments: QuerySet[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("instrument", "respondent", "moment", "months"):
                del self.fields[name]
        else:
            model_choice_field(self, "instrument").queryset = instruments.filter(active=True)
            del self.fields["active"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        instrument, respondent = data.get("instrument"), data.get("respondent")
        if instrument is not None and respondent and respondent not in (instrument.respondents or []):
            self.add_error("respondent", _("This instrument is not written for this respondent."))
        moment, months = data.get("moment"), data.get("months")
        if moment in (Moment.DURING, Moment.FOLLOW_UP) and not months:
            self.add_error("months", _("Say after how many months this survey is due."))
        if moment in (Moment.BASELINE, Moment.CLOSURE) and months:
            self.add_error("months", _("A survey at baseline or at closure has no number of months."))
        return data

    def validate_unique(self) -> None:
        # The domain function says so in a clear sentence; the model's constraint is the backstop.
        pass


class AnswersForm(forms.Form):
    """One radio group per item of the instrument; every item may stay unanswered."""

    def __init__(
        self, *args: Any, assignment: Assignment, items: list[Item], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        scales = assignment.instrument.scales or {}
        for item in items:
            scale = scales.get(item.scale) or {}
            choices = [
                (option["value"], option.get(language) or option.get("nl") or str(option["value"]))
                for option in scale.get("options", [])
            ]
            self.fields[self.name_of(item)] = forms.TypedChoiceField(
                label=item.text_for(language, young=assignment.young),
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def name_of(item: Item) -> str:
        return f"item-{item.pk}"

    def values(self) -> dict[int, int]:
        """The answers given in this request (item id -> value); an item left out is not changed."""
        return {
            item.pk: self.cleaned_data[self.name_of(item)]
            for item in self.items
            if self.cleaned_data.get(self.name_of(item)) is not None
        }


def survey_language(default: str = "") -> str:
    return (get_language() or default or "nl")[:2]


class SurveyFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("survey", "Status"),
        choices=[("", _("All")), *list(AssignmentStatus.choices)],
        required=False,
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Instrument.objects.none(), required=False, empty_label=_("All")
    )
    moment = forms.ChoiceField(
        label=_("Moment"), choices=[("", _("All")), *list(Moment.choices)], required=False
    )
    respondent = forms.ChoiceField(
        label=_("Respondent"), choices=[("", _("All")), *list(Respondent.choices)], required=False
    )

    def __init__(self, *args: Any, instruments: QuerySet[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "instrument").queryset = instruments

    def filter(self, queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["instrument"] is not None:
            queryset = queryset.filter(instrument=data["instrument"])
        if data["moment"]:
            queryset = queryset.filter(moment=data["moment"])
        if data["respondent"]:
            queryset = queryset.filter(respondent=data["respondent"])
        return queryset


class SecondCheckForm(ErrorClassMixin, forms.Form):
    """Before a personal link shows answers saved earlier: the date of birth the check asks for."""

    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, of_child: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if of_child:
            self.fields["date_of_birth"].label = _("Your child's date of birth")
