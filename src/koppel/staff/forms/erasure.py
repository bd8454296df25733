"""The confirmation form of an erasure (GDPR art. 17): why, and the person's name typed again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this person erased?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: asked by the person by e-mail on 3 March. Kept in the list of erasures."),
    )
    confirm_name = forms.CharField(
        label=_("Type the person's full name to confirm"),
        max_length=300,
        help_text=_("Erasure cannot be undone."),
    )

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"]
        if _normalised(typed) != _normalised(self.name):
            raise forms.ValidationError(_("The name does not match. Type the full name as shown above."))
        return typed
