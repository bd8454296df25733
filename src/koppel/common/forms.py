from django import forms
from django.utils.translation import gettext_lazy as _


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version it was loaded with (optimistic locking).

    The domain function compares it with the row's current version, so a second editor's save is
    refused instead of silently overwriting the first.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def domain_values(self) -> dict:
        """The cleaned values of the model fields this form edits."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}

    def get_expected_version(self) -> int:
        value = self.cleaned_data.get("expected_version")
        return self.instance.version if value is None else value


class ErrorClassMixin:
    """Mark invalid widgets for assistive technology (aria-invalid) and CSS."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


def localize_decimal_fields(form: forms.BaseForm) -> None:
    """Decimal fields take "2,5" in Dutch and "2.5" in English: a text input with a decimal keyboard,
    since a number input would refuse the Dutch comma."""
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField):
            field.localize = True
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 5})
            field.widget.is_localized = True


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
REQUIRED_MSG = _("This field is required.")

# Django 6.1's empty choice label; its own Dutch catalogue does not have it yet, so Koppel's does.
BLANK_CHOICE_LABEL = _("- Select an option -")
