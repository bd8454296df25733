"""Forms for concerns: raising one (portal and staff), and closing one with its outcome."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.common.forms import ErrorClassMixin, choice_field, model_choice_field
from koppel.matches.domain.concerns import portal_programmes
from koppel.matches.domain.queries.visible import portal_matches, staff_matches
from koppel.matches.enums import ConcernStatus
from koppel.matches.models import Match
from koppel.people.domain.queries.visible import programmes_visible_to
from koppel.people.domain.roles import AnyUser, roles_of
from koppel.programmes.models import Programme


class RaiseConcernForm(ErrorClassMixin, forms.Form):
    """A concern from the portal: about one of the user's matches, or about the programme."""

    match: "forms.ModelChoiceField[Match]" = forms.ModelChoiceField(
        label=pgettext_lazy("concern form", "Is it about your match?"),
        queryset=Match.objects.none(),
        required=False,
        empty_label=_("No, it is about something else"),
    )
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False
    )
    text = forms.CharField(
        label=_("What worries you?"),
        help_text=_("Write it in your own words. Only the programme's coordinators read this."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        matches = portal_matches(user).select_related("youth").prefetch_related("mentors").order_by("-id")
        match_field = model_choice_field(self, "match")
        match_field.queryset = matches
        # A label for this user only, so set on the form's own field rather than on a field class.
        match_field.label_from_instance = lambda obj: _match_label(obj, user)  # type: ignore[method-assign]
        programmes = portal_programmes(user).order_by("name")
        self.programme_choices = list(programmes)
        programme_field = model_choice_field(self, "programme")
        programme_field.queryset = programmes
        if len(self.programme_choices) <= 1:
            programme_field.widget = forms.HiddenInput()
            if self.programme_choices:
                programme_field.initial = self.programme_choices[0].pk
        if not matches.exists():
            del self.fields["match"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("match") and not cleaned.get("programme"):
            if len(self.programme_choices) == 1:
                cleaned["programme"] = self.programme_choices[0]
            else:
                self.add_error("programme", _("Choose the programme it is about."))
        return cleaned


def _match_label(match: Match, user: AnyUser) -> str:
    r = roles_of(user)
    mentors = list(match.mentors.all())
    if any(m.pk in r.mentor_ids for m in mentors):
        return _("You and %(name)s") % {"name": match.youth.first_name}
    names = ", ".join(m.first_name for m in mentors)
    if match.youth_id in r.youth_ids:
        return _("You and %(names)s") % {"names": names}
    return _("%(youth)s and %(names)s") % {"youth": match.youth.first_name, "names": names}


class StaffConcernForm(ErrorClassMixin, forms.Form):
    """A concern recorded by staff (for instance after a phone call)."""

    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None
    )
    match: "forms.ModelChoiceField[Match]" = forms.ModelChoiceField(
        label=_("Match"), queryset=None, required=False
    )
    text = forms.CharField(
        label=_("What is the concern"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "programme").queryset = programmes_visible_to(user)
        model_choice_field(self, "match").queryset = staff_matches(user).select_related("youth")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        match, programme = cleaned.get("match"), cleaned.get("programme")
        if match is not None and programme is not None and match.programme_id != programme.pk:
            self.add_error("match", _("The match is not part of this programme."))
        return cleaned


class CloseConcernForm(ErrorClassMixin, forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        help_text=_("What was done and agreed. Required to close the concern."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConcernFilterForm(forms.Form):
    """The staff list's filters; invalid values are ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All")
    )
    match = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:

        super().__init__(*args, **kwargs)
        choice_field(self, "status").choices = [("", _("All")), *ConcernStatus.choices]
        model_choice_field(self, "programme").queryset = programmes_visible_to(user)
