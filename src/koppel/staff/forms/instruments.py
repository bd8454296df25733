"""Loading an instrument definition: upload a .toml file or paste its text."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import model_choice_field
from koppel.programmes.models import Organisation

MAX_DEFINITION_BYTES = 512 * 1024


class InstrumentLoadForm(forms.Form):
    """`organisations` are the organisations of the user's programmes; with one, there is no field."""

    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, empty_label=None
    )
    file = forms.FileField(
        label=_("Definition file (.toml)"),
        required=False,
        help_text=_("Or paste the definition below."),
    )
    text = forms.CharField(
        label=_("Definition"),
        required=False,
        max_length=MAX_DEFINITION_BYTES,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations
        # With one organisation there is nothing to choose.
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]

    def clean_file(self) -> str | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_DEFINITION_BYTES:
            raise forms.ValidationError(_("The file is too large for a definition (at most 512 KB)."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it as UTF-8 and try again.")
            ) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        text = cleaned.get("file") or cleaned.get("text") or ""
        if not text.strip() and not self.errors:
            raise forms.ValidationError(_("Upload a definition file or paste its text."))
        cleaned["definition"] = text
        if self.only_organisation is not None:
            cleaned["organisation"] = self.only_organisation
        return cleaned
