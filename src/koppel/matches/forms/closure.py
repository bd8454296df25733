"""Forms for closure (CLS-1, OUT-2): start the closure, record a closure conversation with its exit
questionnaire, cancel a match that never started. They clean input; the rules live in
koppel.matches.domain.closure."""

from collections.abc import Iterable

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import BLANK_CHOICE_LABEL, DATE_WIDGET, ErrorClassMixin
from koppel.matches.enums import ClosureReason, ContactAfterClosure, EndedBy

YES_NO = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


def _with_blank(choices: Iterable[tuple[str, str | Promise]]) -> list[tuple[str, str | Promise]]:
    return [("", BLANK_CHOICE_LABEL), *choices]


class StartClosureForm(ErrorClassMixin, forms.Form):
    """The kind (planned or early) is not asked: it follows from the last day (CLS-1)."""

    ends_on = forms.DateField(label=_("Last day"), widget=DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Why the match ends"), choices=_with_blank(ClosureReason.choices))
    ended_by = forms.ChoiceField(
        label=_("Who ended it"),
        choices=_with_blank(EndedBy.choices),
        required=False,
        help_text=_("CLS-1: required when the match ends before the agreed duration."),
    )
    reason_note = forms.CharField(
        label=_("About the reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_after = forms.ChoiceField(
        label=_("Contact after the match ends"), choices=ContactAfterClosure.choices
    )
    contact_after_note = forms.CharField(label=_("About contact afterwards"), required=False, max_length=300)


class ConversationForm(ErrorClassMixin, forms.Form):
    """One closure conversation; `with_whom` is the party's key (see domain.closure.parties_of)."""

    with_whom = forms.CharField(widget=forms.HiddenInput, max_length=40)
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    went_well = forms.CharField(
        label=_("What went well"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    could_be_better = forms.CharField(
        label=_("What could have been better"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rating = forms.TypedChoiceField(
        label=_("How was it, all in all (1-5)"),
        choices=[("", _("Not asked")), *((str(n), str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would recommend the programme"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )


class CancelForm(ErrorClassMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why the match is cancelled"), choices=_with_blank(ClosureReason.choices)
    )
    ended_by = forms.ChoiceField(label=_("Who ended it"), choices=EndedBy.choices, initial=EndedBy.PROGRAMME)
    reason_note = forms.CharField(
        label=_("About the reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
