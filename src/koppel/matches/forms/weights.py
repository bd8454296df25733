"""The form of a programme's matching settings and weights (MAT-1, MAT-2, MAT-3, MAT-5)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext as _

from koppel.common.forms import ErrorClassMixin, VersionedModelForm, localize_decimal_fields
from koppel.matches.domain.weights import (
    CONSTRAINT_FIELDS,
    OBJECTIVE_FIELDS,
    SETTINGS_FIELDS,
    WEIGHT_FIELDS,
    factsheet_defaults,
    rule_of,
    weights_problem,
)
from koppel.matches.models import MatchingSettings


@dataclass(frozen=True)
class SettingRow:
    """One setting on the page: its field, rule ID, the factsheet's value and whether the saved value
    differs from it."""

    field: BoundField
    rule: str
    default: object
    changed: bool

    @property
    def default_text(self) -> object:
        if isinstance(self.default, bool):
            return _("yes") if self.default else _("no")
        choices = dict(getattr(self.field.field, "choices", None) or ())
        return choices.get(self.default, self.default)


class MatchingWeightsForm(ErrorClassMixin, VersionedModelForm):
    class Meta:
        model = MatchingSettings
        fields = list(SETTINGS_FIELDS)
        widgets = {"objective": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_decimal_fields(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        problem = weights_problem(data)
        if problem:
            self.add_error(None, problem)
        return data

    def _rows(self, names: Iterable[str]) -> list[SettingRow]:
        defaults = factsheet_defaults()
        return [
            SettingRow(
                field=self[name],
                rule=rule_of(name),
                default=defaults[name],
                # The saved value (a bound form has already copied the typed values onto the instance).
                changed=self.initial.get(name) != defaults[name],
            )
            for name in names
        ]

    def constraint_rows(self) -> list[SettingRow]:
        """The hard constraints: a pair that breaks one is never proposed."""
        return self._rows(CONSTRAINT_FIELDS)

    def objective_rows(self) -> list[SettingRow]:
        """What a round aims for: youth first (MAT-1, REL-3) or the best total score."""
        return self._rows(OBJECTIVE_FIELDS)

    def weight_rows(self) -> list[SettingRow]:
        """The 11 weights of the soft score."""
        return self._rows(WEIGHT_FIELDS)


class ResetForm(forms.Form):
    """Reset to the factsheet's defaults: it carries only the version the page was loaded with."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, settings: MatchingSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = settings.version
