from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import ErrorClassMixin, VersionedModelForm
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

    def __init__(self, *args, minimum: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum = minimum
        self.fields["months"].min_value = None

    def clean_months(self):
        months = self.cleaned_data["months"]
        if months is not None and months < self.minimum:
            raise forms.ValidationError(
                _("The period must be at least %(months)s month(s).") % {"months": self.minimum}
            )
        return months
