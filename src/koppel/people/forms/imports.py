"""Forms of the import and export pages: what kind of people, into or from which programme, which file."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import ErrorClassMixin, model_choice_field
from koppel.people.domain.queries.visible import programmes_visible_to
from koppel.people.domain.roles import AnyUser
from koppel.programmes.models import Programme

KIND_CHOICES = [
    ("mentor", _("Mentors")),
    ("youth", _("Youth")),
    ("guardian", _("Parents and guardians")),
]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class _ProgrammeForm(ErrorClassMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Who"), choices=KIND_CHOICES)
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the user's own programmes: another programme is not a choice (a form error, never a write).
        model_choice_field(self, "programme").queryset = programmes_visible_to(user).order_by("name")


class ImportForm(_ProgrammeForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file or an Excel workbook (.xlsx). The first row names the columns; "
            "export the same kind of people to get a file with the right columns."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; split it into smaller files."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
        return upload


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ExportForm(_ProgrammeForm):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", "CSV"), ("xlsx", _("Excel workbook (.xlsx)"))],
        initial="xlsx",
    )
