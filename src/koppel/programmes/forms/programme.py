from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import ErrorClassMixin, VersionedModelForm, localize_decimal_fields
from koppel.programmes.enums import Location
from koppel.programmes.enums import ProgrammeForm as FormChoice
from koppel.programmes.models import Programme, ProgrammeSettings


class ProgrammeForm(ErrorClassMixin, VersionedModelForm):
    locations = forms.MultipleChoiceField(
        label=_("Locations allowed"),
        choices=Location.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("REL-3: where mentor and youth may meet."),
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "kind",
            "form",
            "team_size_min",
            "team_size_max",
            "locations",
            "approach",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("team_size_min"), data.get("team_size_max")
        if data.get("form") == FormChoice.TEAM and low and high and low > high:
            self.add_error("team_size_max", _("REL-3: the maximum team size must be at least the minimum."))
        return data


class ProgrammeSettingsForm(ErrorClassMixin, VersionedModelForm):
    class Meta:
        model = ProgrammeSettings
        fields = list(ProgrammeSettings.RULES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_decimal_fields(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("min_age_gap_years"), data.get("preferred_age_gap_years")
        if low is not None and high is not None and high < low:
            self.add_error(
                "preferred_age_gap_years",
                _("MAT-3: the preferred age gap cannot be smaller than the minimum."),
            )
        return data

    def rows(self) -> Iterator[tuple[BoundField, str, str]]:
        """Each field with its rule ID and where its default comes from (the factsheet's value, or
        why Koppel chose it: ProgrammeSettings.source_text), for the settings page."""
        for name, (rule, _factsheet) in ProgrammeSettings.RULES.items():
            yield self[name], rule, ProgrammeSettings.source_text(name)
