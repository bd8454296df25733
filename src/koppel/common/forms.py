from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import connections, models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}

MISSING_VERSION = _(
    "This form came without the version of the record it was opened with, so saving it could "
    "overwrite a change someone else made meanwhile. Nothing was saved; the form below shows what you "
    "typed. Reload the page and make your changes again."
)


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version it was loaded with (optimistic locking).

    The domain function compares it with the row's current version, so a second editor's save is
    refused instead of silently overwriting the first. The version is required whenever the form
    edits a stored row: a POST without it (a page from before, a hand-made request) is refused with
    MISSING_VERSION above the form, never saved on trust. A form for a row that does not exist yet
    carries 0, so a page loaded before someone else created the row is told apart from one without
    a version (the domain function refuses 0 for a row that exists now: a conflict).
    """

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages=dict.fromkeys(("required", "invalid", "min_value"), MISSING_VERSION),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        else:
            # A new row: there is no saved version to compare with.
            self.fields["expected_version"].initial = 0
            self.fields["expected_version"].required = False

    def full_clean(self) -> None:
        super().full_clean()
        # A hidden field has no place on the page to show its error: say it above the form.
        if "expected_version" in self.errors:
            self.add_error(None, self.errors.pop("expected_version").as_data())

    def domain_values(self) -> dict:
        """The cleaned values of the model fields this form edits (its Meta lists them)."""
        return {name: self.cleaned_data[name] for name in meta_fields(self) if name in self.cleaned_data}

    def get_expected_version(self) -> int:
        """The version the form was loaded with (0: loaded before the row existed); for a form of a
        new row without one, the row's own (there is nothing to compare with)."""
        value = self.cleaned_data.get("expected_version")
        if value is None:
            if self.instance.pk:
                # is_valid() refuses a stored row's form without its version; never fall back to
                # the row's current version, which would save over someone else's change.
                raise ValueError("a versioned form of a stored row was used without its version")
            return self.instance.version
        return value


if TYPE_CHECKING:
    # The mixin goes before a form class, so it may use a form's attributes and super().full_clean().
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ErrorClassMixin(_FormBase):
    """Mark invalid widgets for assistive technology (aria-invalid) and CSS."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


def meta_fields(form: forms.BaseModelForm) -> Collection[str]:
    """The model fields a model form lists in its Meta.fields (a form that leaves them to Django,
    with "__all__" or exclude, has no such list)."""
    fields = form._meta.fields
    if fields is None:
        raise TypeError(f"{type(form).__name__} must list its fields in Meta.fields")
    return fields


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field `name`, a model choice field (single or multiple), typed as one: a form's
    `fields` are typed as plain fields, which have no queryset."""
    return cast(forms.ModelChoiceField, form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, a choice field (model choice fields included), typed as one."""
    return cast(forms.ChoiceField, form.fields[name])


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


def _out_of_range(model_field: models.Field, value: object, using: str) -> bool:
    """True when `value` is a whole number that no row of an integer column can hold on `using`'s
    database (SQLite raises OverflowError for it instead of finding nothing)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return False
    low, high = connections[using].ops.integer_field_range(model_field.get_internal_type())
    return (low is not None and number < low) or (high is not None and number > high)


# A private method, which the type stubs do not declare.
_check_values = forms.ModelMultipleChoiceField._check_values  # type: ignore[attr-defined]


def _check_values_in_range(self: forms.ModelMultipleChoiceField, value: Any) -> QuerySet[Any]:
    """ModelMultipleChoiceField's check of the posted ids, with an id past the range of an integer
    key refused as a choice that does not exist (the error any other unknown id gets) instead of
    reaching the database; ModelChoiceField's single id is range-checked by Django itself."""
    queryset = self.queryset
    if queryset is None:
        raise TypeError("a model choice field without a queryset has no values to check")
    key = self.to_field_name or "pk"
    model_field = queryset.model._meta.get_field(key) if key != "pk" else queryset.model._meta.pk
    if model_field.get_internal_type() in INTEGER_TYPES and not isinstance(value, str):
        for item in value:
            if _out_of_range(model_field, item, queryset.db):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
    return _check_values(self, value)


def install_id_range_check() -> None:
    """Applied once at start-up (CommonConfig.ready), so that every form of the project, the admin's
    included, refuses out-of-range ids the same way."""
    # The private method the stubs do not declare (above).
    forms.ModelMultipleChoiceField._check_values = _check_values_in_range  # type: ignore[attr-defined]
