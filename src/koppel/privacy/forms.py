from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import ErrorClassMixin, VersionedModelForm
from koppel.privacy.domain.retention import SCHEDULE, too_short
from koppel.privacy.models import RetentionOverride


class RetentionOverrideForm(ErrorClassMixin, VersionedModelForm):
    """The organisation's own period for one rule and why (set_retention_period checks the minimum)."""

    class Meta:
        model = RetentionOverride
        fields = ["months", "reason"]
        labels = {"months": _("Period (months)"), "reason": _("Why this period")}
        help_texts = {
            "reason": _("Shown on the retention page and kept with the change, e.g. a funder's requirement."),
        }
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def clean_months(self):
        months = self.cleaned_data["months"]
        rule = SCHEDULE.get(self.instance.rule)  # type: ignore[call-overload]
        minimum = rule.minimum_months if rule is not None else 1
        if months is not None and months < minimum:
            raise forms.ValidationError(too_short(minimum))
        return months
